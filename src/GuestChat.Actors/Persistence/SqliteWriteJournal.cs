using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Sql.Journal;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// Akka.Persistence.Sql's journal on SQLite with a write path of its own: the same table and rows (its
/// reads, deletions, recovery and the snapshot store stay Akka.Persistence.Sql's, so a database written by
/// either reads with the other), but every write goes through one held connection with its insert prepared,
/// and the writes that arrive while one commits go together in the next transaction. A commit counts as
/// written as <see cref="JournalSettings.SqliteSynchronous"/> says (<c>synchronous</c> in the journal's
/// configuration), and the write-ahead log is copied back into the file by <see cref="WalCheckpointer"/>.
/// <para>
/// Why: Akka.Persistence.Sql builds each insert through linq2db, which clones its connection and builds
/// the SQL again for every row; on a busy service that was a quarter of its CPU and five sixths of what it
/// allocated (a garbage collection every 0.3 s at 1,000 messages/s, each holding every stream ~12 ms).
/// </para>
/// <para>
/// SQLite takes one writer at a time, so one writer loses nothing; its commits come in the order of the
/// numbers they take, which the journal's readers rely on (<see cref="MessageLog"/>). An event with tags
/// (none of this service's facts has any) is left to Akka.Persistence.Sql's own path, which writes the tag
/// rows too.
/// </para>
/// </summary>
public sealed class SqliteWriteJournal : SqlWriteJournal
{
    /// <summary>Most rows one transaction takes; what is left waits for the next.</summary>
    private const int MostRowsPerCommit = 1000;

    /// <summary>How many lists of answered writes are kept for later writes at most (as many as a full commit's writes).</summary>
    private const int MostSpareRowLists = MostRowsPerCommit;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ExtendedActorSystem _system = (ExtendedActorSystem)Context.System;
    private readonly JournalWrites _written = JournalWrites.Of(Context.System);
    private readonly string _connectionString;
    private readonly SqliteSynchronous _synchronous;
    private readonly string _writerId = Guid.NewGuid().ToString("N");
    private readonly Channel<PendingWrite> _pending = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    // Rung after each write and at the end, for the writer's thread to wait on (no spinning: on two cores that is taken from the threads with work).
    private readonly ManualResetEventSlim _bell = new(false, spinCount: 0);
    // The lists of answered writes, for the next writes' rows (one write a message: a list and its array each were a twentieth of what a busy service allocated).
    private readonly Stack<List<Row>> _spareRows = new();
    // Written by the journal's actor, emptied by its writer (a dictionary reuses its entries; a concurrent one makes a node per write).
    private readonly Dictionary<string, PendingWrite> _writing = new(StringComparer.Ordinal);
    private readonly IActorRef _self = Context.Self;
    private readonly bool _answersWrites;
    private readonly ArrayBufferWriter<byte> _serialized = new(1024);
    private readonly Utf8JsonWriter _json = new(Stream.Null);
    private Thread? _writer;

    /// <summary>Made by Akka.Persistence from the plugin's configuration (<c>akka.persistence.journal.sql</c>).</summary>
    public SqliteWriteJournal(Akka.Configuration.Config journalConfig)
        : base(journalConfig)
    {
        _connectionString = journalConfig.GetString("connection-string", null)
            ?? throw new ArgumentException("akka.persistence.journal.sql.connection-string is required.", nameof(journalConfig));
        _synchronous = Enum.TryParse<SqliteSynchronous>(journalConfig.GetString("synchronous", "full"), ignoreCase: true, out var synchronous)
            ? synchronous
            : throw new ArgumentException("akka.persistence.journal.sql.synchronous is normal or full.", nameof(journalConfig));
        _answersWrites = journalConfig.GetConfig("event-adapter-bindings") is not { IsEmpty: false };
    }

    /// <summary>
    /// A persistent actor's write, taken here rather than by Akka.Persistence's <c>AsyncWriteJournal</c>:
    /// the rows go to the one writer, and the writer answers the actor itself once they are committed,
    /// with the same replies in the same order (<see cref="Answer"/>). Akka.Persistence's own path wraps
    /// every write in a circuit breaker with a timer, copies each event, and sends every reply through a
    /// re-sequencing actor that keeps replies to different actors in the order their writes arrived: a dozen
    /// objects and one more thread hand-off per event, for an order that matters only per actor, and an actor
    /// never has more than one write outstanding. Without the circuit breaker a write has no call timeout of
    /// its own: it waits for SQLite's write lock for the connection's timeout (30 s by default), then fails
    /// and stops its actor, as any journal failure does. With event adapters configured, every write takes
    /// Akka.Persistence.Sql's own path instead (they change events before they are written).
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message) =>
        message is WriteMessages write && _answersWrites ? Take(write) : base.AroundReceive(receive, message);

    private bool Take(WriteMessages request)
    {
        var envelopes = request.Messages as IReadOnlyList<IPersistentEnvelope> ?? request.Messages.ToList();
        var rows = RowsFor(envelopes.Count);
        Exception?[]? rejections = null;
        var tagged = false;
        var timestamp = DateTime.UtcNow.Ticks;
        for (var i = 0; i < envelopes.Count; i++)
        {
            if (envelopes[i] is not AtomicWrite write)
            {
                continue;
            }

            var taken = rows.Count;
            try
            {
                var events = Events(write);
                for (var e = 0; e < events.Count; e++)
                {
                    tagged |= HasTags(events[e]);
                    rows.Add(Serialize(events[e], timestamp));
                }
            }
            catch (Exception e)
            {
                // As Akka.Persistence.Sql does: a write that cannot be serialized is rejected (its actor is told, and goes on); the others are written.
                Release(rows, taken);
                rows.RemoveRange(taken, rows.Count - taken);
                (rejections ??= new Exception?[envelopes.Count])[i] = e;
            }
        }

        var pending = new PendingWrite(request, envelopes, rows, rejections);
        if (rows.Count == 0)
        {
            Answer(pending, failure: null);
            return true;
        }

        // A recovery asks for the highest sequence number of its persistence id: it must see this write's outcome first.
        lock (_writing)
        {
            for (var i = 0; i < envelopes.Count; i++)
            {
                if (envelopes[i] is AtomicWrite write)
                {
                    _writing[write.PersistenceId] = pending;
                }
            }
        }

        if (tagged)
        {
            WriteTagged(pending);
            return true;
        }

        if (_writer is null)
        {
            _writer = new Thread(WriteLoop) { IsBackground = true, Name = "SQLite journal writer" };
            _writer.Start();
        }

        if (!_pending.Writer.TryWrite(pending))
        {
            Answer(pending, new InvalidOperationException("The journal is stopping."));
        }

        _bell.Set();

        return true;
    }

    /// <summary>Akka.Persistence.Sql's own path, which writes the tag rows too (none of this service's facts has tags any more); answered the same way.</summary>
    private void WriteTagged(PendingWrite pending)
    {
        var (envelopes, rejections) = (pending.Envelopes, pending.Rejections);
        var written = Enumerable.Range(0, envelopes.Count).Where(i => envelopes[i] is AtomicWrite && rejections?[i] is null).ToList();
        base.WriteMessagesAsync([.. written.Select(i => (AtomicWrite)envelopes[i])], CancellationToken.None).ContinueWith(
            done =>
            {
                if (!done.IsCompletedSuccessfully)
                {
                    Answer(pending, done.Exception?.GetBaseException() ?? new OperationCanceledException("The write was cancelled."));
                    return;
                }

                for (var i = 0; i < written.Count && done.Result is { } refused; i++)
                {
                    if (refused[i] is { } reason)
                    {
                        pending.Reject(written[i], reason);
                    }
                }

                Answer(pending, failure: null);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Tells the write's actor how it went, as Akka.Persistence's journal does: that the batch is written (or
    /// failed, with how many writes it held), then for each event in order that it is written, rejected (it
    /// could not be serialized) or failed, and for each deferred handler between them that its turn came.
    /// </summary>
    private void Answer(PendingWrite pending, Exception? failure)
    {
        if (!pending.TakeAnswer())
        {
            // Once only (the writer that broke answers what it holds, some of which it may have answered): its rows' list is another write's by now.
            return;
        }

        var (request, envelopes, rejections) = (pending.Request, pending.Envelopes, pending.Rejections);
        var actor = request.PersistentActor;
        var instance = request.ActorInstanceId;
        if (failure is null)
        {
            actor.Tell(WriteMessagesSuccessful.Instance, _self);
        }
        else
        {
            var writes = 0;
            for (var i = 0; i < envelopes.Count; i++)
            {
                writes += envelopes[i] is AtomicWrite ? 1 : 0;
            }

            actor.Tell(new WriteMessagesFailed(failure, writes), _self);
        }

        for (var i = 0; i < envelopes.Count; i++)
        {
            if (envelopes[i] is AtomicWrite write)
            {
                var rejected = rejections?[i];
                var events = Events(write);
                for (var e = 0; e < events.Count; e++)
                {
                    var representation = events[e];
                    actor.Tell(
                        failure is not null ? new WriteMessageFailure(representation, failure, instance)
                        : rejected is not null ? new WriteMessageRejected(representation, rejected, instance)
                        : new WriteMessageSuccess(representation, instance),
                        representation.Sender);
                }
            }
            else
            {
                actor.Tell(new LoopMessageSuccess(envelopes[i].Payload, instance), envelopes[i].Sender);
            }
        }

        lock (_writing)
        {
            for (var i = 0; i < envelopes.Count; i++)
            {
                if (envelopes[i] is AtomicWrite write && _writing.TryGetValue(write.PersistenceId, out var latest) && latest == pending)
                {
                    _writing.Remove(write.PersistenceId);
                }
            }
        }

        Release(pending.Rows);
        Reuse(pending.Rows);
        pending.Finish();
    }

    /// <summary>A list for a write's rows: one given back by a write already answered, or a new one.</summary>
    private List<Row> RowsFor(int envelopes)
    {
        lock (_spareRows)
        {
            if (_spareRows.TryPop(out var spare))
            {
                spare.EnsureCapacity(envelopes);
                return spare;
            }
        }

        return new List<Row>(envelopes);
    }

    /// <summary>Keeps an answered write's list for a later write (emptied: no row keeps its fact's strings alive).</summary>
    private void Reuse(List<Row> rows)
    {
        rows.Clear();
        if (rows.Capacity > 16)
        {
            return;
        }

        lock (_spareRows)
        {
            if (_spareRows.Count < MostSpareRowLists)
            {
                _spareRows.Push(rows);
            }
        }
    }

    private static IReadOnlyList<IPersistentRepresentation> Events(AtomicWrite write) => (IReadOnlyList<IPersistentRepresentation>)write.Payload;

    /// <inheritdoc />
    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        PendingWrite? writing;
        lock (_writing)
        {
            writing = _writing.GetValueOrDefault(persistenceId);
        }

        if (writing is not null)
        {
            // Its outcome does not matter here, only that it is known.
            await writing.Finished;
        }

        return await base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _pending.Writer.TryComplete();
        _bell.Set();
        base.PostStop();
    }

    private static bool HasTags(IPersistentRepresentation representation) => representation.Payload is Tagged { Tags.Count: > 0 };

    private Row Serialize(IPersistentRepresentation representation, long timestamp)
    {
        var payload = representation.Payload is Tagged tagged ? tagged.Payload : representation.Payload;
        return Akka.Serialization.Serialization.WithTransport(_system, (payload, representation, timestamp, journal: this), static state =>
        {
            var serializer = state.journal._system.Serialization.FindSerializerFor(state.payload);
            var (bytes, length, pooled) = serializer is ConversationFactSerializer ? state.journal.Pooled(state.payload) : (serializer.ToBinary(state.payload), -1, false);
            return new Row(
                state.representation.PersistenceId,
                state.representation.SequenceNr,
                state.representation.Timestamp == 0 ? state.timestamp : state.representation.Timestamp,
                bytes,
                length < 0 ? bytes.Length : length,
                pooled,
                Akka.Serialization.Serialization.ManifestFor(serializer, state.payload),
                serializer.Identifier);
        });
    }

    /// <summary>
    /// A conversation's fact as its bytes in a pooled array, given back once written (<see cref="Release"/>):
    /// the serializer's own array would be one more object per event, kept until the write commits.
    /// </summary>
    private (byte[] Bytes, int Length, bool Pooled) Pooled(object fact)
    {
        _serialized.ResetWrittenCount();
        _json.Reset(_serialized);
        ConversationFactSerializer.WriteTo(fact, _json);
        _json.Flush();
        var bytes = ArrayPool<byte>.Shared.Rent(_serialized.WrittenCount);
        _serialized.WrittenSpan.CopyTo(bytes);
        return (bytes, _serialized.WrittenCount, true);
    }

    private static void Release(List<Row> rows, int from = 0)
    {
        for (var i = from; i < rows.Count; i++)
        {
            if (rows[i].Pooled)
            {
                ArrayPool<byte>.Shared.Return(rows[i].Message);
            }
        }
    }

    /// <summary>
    /// The one writer: takes what is waiting, writes it in one transaction, tells each write's sender, again.
    /// On a thread of its own: a commit waits for the disk (a sync per commit with <see cref="SqliteSynchronous.Full"/>),
    /// and on the thread pool each such wait held one of its few threads (two on a 2-core machine) from the
    /// actors, the sockets and the event streams.
    /// </summary>
    private void WriteLoop()
    {
        Insert? insert = null;
        using var checkpointer = new WalCheckpointer(_connectionString, _log);
        var batch = new List<PendingWrite>();
        try
        {
            while (WaitForWrites())
            {
                var rows = 0;
                while (rows < MostRowsPerCommit && _pending.Reader.TryRead(out var write))
                {
                    batch.Add(write);
                    rows += write.Rows.Count;
                }

                try
                {
                    insert ??= Insert.Open(_connectionString, _writerId, _synchronous);
                    insert.Commit(batch);
                    checkpointer.Written();

                    // The journal's readers in this process read it now, before the writers even hear that it is written.
                    _written.Written();
                    foreach (var write in batch)
                    {
                        Answer(write, failure: null);
                    }
                }
                catch (Exception e)
                {
                    // The writes fail (their actors stop, as on any journal failure); the connection is opened again for the next ones.
                    _log.Error(e, "Writing {0} events to the SQLite journal failed", rows);
                    foreach (var write in batch)
                    {
                        Answer(write, e);
                    }

                    insert?.Dispose();
                    insert = null;
                }

                batch.Clear();
            }
        }
        catch (Exception e)
        {
            // Not a failed commit (those are answered above): the writer itself broke. Every write from now on
            // fails and stops its actor, rather than wait for a writer that is gone (or end the process).
            _log.Error(e, "The SQLite journal's writer stopped");
            _pending.Writer.TryComplete();
            foreach (var write in batch)
            {
                Answer(write, e);
            }
        }
        finally
        {
            insert?.Dispose();
            var stopping = new InvalidOperationException("The journal stopped.");
            while (_pending.Reader.TryRead(out var write))
            {
                Answer(write, stopping);
            }
        }
    }

    /// <summary>Waits on the writer's own thread until a write is pending (true) or the journal has stopped and every write is taken (false).</summary>
    private bool WaitForWrites()
    {
        while (true)
        {
            // Reset before looking: a write that lands after the look rings the bell again, and the wait ends at once.
            _bell.Reset();
            if (_pending.Reader.TryPeek(out _))
            {
                return true;
            }

            if (_pending.Reader.Completion.IsCompleted)
            {
                return false;
            }

            _bell.Wait();
        }
    }

    /// <summary>One event's row; its bytes are the first <paramref name="Length"/> of <paramref name="Message"/> (a pooled array when <paramref name="Pooled"/>).</summary>
    private readonly record struct Row(string PersistenceId, long SequenceNr, long Created, byte[] Message, int Length, bool Pooled, string Manifest, int Identifier);

    /// <summary>One actor's write on its way: its rows, which of its writes were rejected, and who waits to hear it is done.</summary>
    private sealed class PendingWrite(WriteMessages request, IReadOnlyList<IPersistentEnvelope> envelopes, List<Row> rows, Exception?[]? rejections)
    {
        private static readonly TaskCompletionSource AlreadyFinished = Completed();
        private TaskCompletionSource? _finished;
        private int _answered;

        public WriteMessages Request => request;

        public IReadOnlyList<IPersistentEnvelope> Envelopes => envelopes;

        public List<Row> Rows => rows;

        /// <summary>Per envelope, why it was rejected; null when none was.</summary>
        public Exception?[]? Rejections => rejections;

        public void Reject(int envelope, Exception reason) => (rejections ??= new Exception?[envelopes.Count])[envelope] = reason;

        /// <summary>Completes once its actor is answered (made only for the rare reader that waits: a recovery of the same persistence id).</summary>
        public Task Finished
        {
            get
            {
                var finished = Volatile.Read(ref _finished);
                if (finished is null)
                {
                    var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    finished = Interlocked.CompareExchange(ref _finished, waiting, null) ?? waiting;
                }

                return finished.Task;
            }
        }

        public void Finish() => Interlocked.Exchange(ref _finished, AlreadyFinished)?.TrySetResult();

        /// <summary>True the first time only: a write is answered once.</summary>
        public bool TakeAnswer() => Interlocked.Exchange(ref _answered, 1) == 0;

        private static TaskCompletionSource Completed()
        {
            var done = new TaskCompletionSource();
            done.SetResult();
            return done;
        }
    }

    /// <summary>
    /// The held connection with its statements prepared once, in Akka.Persistence.Sql's columns. The rows are
    /// bound and stepped on SQLite's own statement handle (SQLitePCL): Microsoft.Data.Sqlite's command makes
    /// a parameter binder per value, a reader and the statement's UTF-8 text again on every execution, which
    /// was a third of what a busy service allocated.
    /// </summary>
    private sealed class Insert : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly sqlite3 _database;
        private readonly sqlite3_stmt _begin;
        private readonly sqlite3_stmt _insert;
        private readonly sqlite3_stmt _commit;
        private readonly sqlite3_stmt _rollback;
        private readonly string _writerId;

        private Insert(SqliteConnection connection, string writerId, SqliteSynchronous synchronous)
        {
            _connection = connection;
            _database = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
            _writerId = writerId;

            // While another connection writes (Akka.Persistence.Sql's deletions, another process), wait for it as
            // Microsoft.Data.Sqlite's commands do (the connection's default timeout), instead of failing at once.
            raw.sqlite3_busy_timeout(_database, connection.DefaultTimeout * 1000);
            try
            {
                // When a commit counts as written, and the log copied back by the writer only as a backstop (WalCheckpointer copies it).
                Check(raw.sqlite3_exec(_database, $"PRAGMA synchronous = {synchronous.ToString().ToUpperInvariant()}; PRAGMA wal_autocheckpoint = {WalCheckpointer.BackstopPages}"));
                _begin = Prepare("BEGIN IMMEDIATE");
                _insert = Prepare("""
                    INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid)
                    VALUES (?1, 0, ?2, ?3, ?4, ?5, ?6, ?7)
                    """);
                _commit = Prepare("COMMIT");
                _rollback = Prepare("ROLLBACK");
            }
            catch
            {
                // One that failed (the table not there yet, say) leaves none of the others on the pooled connection.
                DisposeStatements();
                throw;
            }
        }

        public static Insert Open(string connectionString, string writerId, SqliteSynchronous synchronous)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                return new Insert(connection, writerId, synchronous);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>Every row of these writes in one transaction (BEGIN IMMEDIATE: the write lock first, so it never has to be upgraded).</summary>
        public void Commit(List<PendingWrite> writes)
        {
            Step(_begin);
            try
            {
                foreach (var write in writes)
                {
                    foreach (var row in write.Rows)
                    {
                        Check(raw.sqlite3_bind_int64(_insert, 1, row.Created));
                        Check(raw.sqlite3_bind_text16(_insert, 2, row.PersistenceId));
                        Check(raw.sqlite3_bind_int64(_insert, 3, row.SequenceNr));
                        Check(raw.sqlite3_bind_blob(_insert, 4, row.Message.AsSpan(0, row.Length)));
                        Check(raw.sqlite3_bind_text16(_insert, 5, row.Manifest));
                        Check(raw.sqlite3_bind_int64(_insert, 6, row.Identifier));
                        Check(raw.sqlite3_bind_text16(_insert, 7, _writerId));
                        Step(_insert);
                    }
                }

                Step(_commit);
            }
            catch
            {
                if (raw.sqlite3_get_autocommit(_database) == 0)
                {
                    raw.sqlite3_step(_rollback);
                    raw.sqlite3_reset(_rollback);
                }

                throw;
            }
        }

        public void Dispose()
        {
            DisposeStatements();
            _connection.Dispose();
        }

        private void DisposeStatements()
        {
            foreach (var statement in new[] { _begin, _insert, _commit, _rollback })
            {
                statement?.Dispose();
            }
        }

        private sqlite3_stmt Prepare(string sql)
        {
            Check(raw.sqlite3_prepare_v2(_database, sql, out var statement));
            return statement;
        }

        /// <summary>Runs a prepared statement to its end and makes it ready for the next run (its bindings stay until bound again).</summary>
        private void Step(sqlite3_stmt statement)
        {
            var result = raw.sqlite3_step(statement);
            raw.sqlite3_reset(statement);
            if (result != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(result, _database);
            }
        }

        private void Check(int result)
        {
            if (result != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(result, _database);
            }
        }
    }
}
