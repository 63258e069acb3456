using Akka.Event;
using Microsoft.Data.Sqlite;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// Copies the SQLite journal's write-ahead log into the database file on a connection of its own, a
/// little after each burst of writes, so the journal's writer never does it.
/// <para>
/// Why: left to SQLite, the connection whose commit fills the log past 1,000 pages copies it back then
/// and there, syncing the database file (and, with <see cref="SqliteSynchronous.Normal"/>, the log first):
/// at 1,000 messages a second that is about twice a second, 3-17 ms each (13-30 ms of the writer stopped
/// with <see cref="SqliteSynchronous.Normal"/>), and every message that came meanwhile waiting for it. A passive checkpoint here takes no lock a writer or a reader
/// waits for; it copies what no reader still needs, and the writer starts the log again from its beginning
/// once all of it is copied. The writer keeps SQLite's own checkpoint only as a backstop
/// (<see cref="BackstopPages"/>), for a log that grows faster than this copies it.
/// </para>
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>How long after a write the log is copied: writes within it are copied together, and with <see cref="SqliteSynchronous.Normal"/> it bounds what a power loss can take back.</summary>
    public static readonly TimeSpan After = TimeSpan.FromMilliseconds(200);

    /// <summary>The log's size (in 4 KiB pages) past which the writer copies it itself (SQLite's own default is 1,000).</summary>
    public const int BackstopPages = 4000;

    private readonly string _connectionString;
    private readonly ILoggingAdapter _log;
    private readonly SemaphoreSlim _due = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread _loop;
    private int _written;

    public WalCheckpointer(string connectionString, ILoggingAdapter log)
    {
        _connectionString = connectionString;
        _log = log;
        // A thread of its own: a checkpoint syncs the database file (3-17 ms), a wait that on the thread pool held
        // one of its few threads from the actors and the sockets.
        _loop = new Thread(Loop) { IsBackground = true, Name = "SQLite journal checkpointer" };
        _loop.Start();
    }

    /// <summary>A commit has landed in the log: it is copied within <see cref="After"/>.</summary>
    public void Written()
    {
        // Only the first write after a checkpoint starts the next one; the writes after it ride along.
        if (Interlocked.Exchange(ref _written, 1) == 0)
        {
            _due.Release();
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        if (_loop.Join(TimeSpan.FromSeconds(5)))
        {
            // Not while a checkpoint still runs on: it would find them disposed.
            _stopping.Dispose();
            _due.Dispose();
        }
    }

    private void Loop()
    {
        SqliteConnection? connection = null;
        var failing = false;
        try
        {
            while (true)
            {
                _due.Wait(_stopping.Token);
                if (_stopping.Token.WaitHandle.WaitOne(After))
                {
                    return;
                }

                // From here on a write asks for the next checkpoint (this one may start before it lands).
                Volatile.Write(ref _written, 0);
                try
                {
                    if (connection is null)
                    {
                        connection = new SqliteConnection(_connectionString);
                        connection.Open();
                    }

                    using var checkpoint = connection.CreateCommand();
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    checkpoint.ExecuteNonQuery();
                    if (failing)
                    {
                        failing = false;
                        _log.Info("The SQLite journal's write-ahead log is copied into its file again");
                    }
                }
                catch (SqliteException e)
                {
                    // The log goes on growing until the next one (or the writer's backstop) copies it. Said once
                    // while it lasts, not five times a second.
                    if (!failing)
                    {
                        failing = true;
                        _log.Warning("Copying the SQLite journal's write-ahead log into its file failed (tried again after each write; the writer copies it itself past {0} pages): {1}", BackstopPages, e.Message);
                    }

                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The journal stopped.
        }
        finally
        {
            connection?.Dispose();
        }
    }
}
