using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// What the service reads from the journal's database directly, beside Akka.Persistence: how many bytes it
/// takes on disk, and the newest position in it. (Akka.Persistence.Sql's default tables: <c>journal</c>,
/// whose <c>ordering</c> column numbers every event written, in the order written.)
/// </summary>
public static class JournalDatabase
{
    /// <summary>The journal's size now: the SQLite files (journal and snapshots) with their write-ahead logs, or the PostgreSQL database; null with the in-memory provider or when it cannot be read.</summary>
    public static async Task<long?> BytesAsync(JournalSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Provider == PersistenceProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(settings.EffectiveConnectionString).DataSource;
            var snapshots = JournalSettings.SnapshotFileOf(file);
            return new[] { file, file + "-wal", snapshots, snapshots + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
        }

        return await ScalarAsync(settings, "SELECT pg_database_size(current_database())", cancellationToken);
    }

    /// <summary>The position of the newest event written (0 when none); null with the in-memory provider or when it cannot be read.</summary>
    public static Task<long?> NewestPositionAsync(JournalSettings settings, CancellationToken cancellationToken) =>
        ScalarAsync(settings, "SELECT COALESCE(MAX(ordering), 0) FROM journal", cancellationToken);

    private static async Task<long?> ScalarAsync(JournalSettings settings, string sql, CancellationToken cancellationToken)
    {
        try
        {
            await using DbConnection? connection = settings.Provider switch
            {
                PersistenceProvider.Sqlite => new SqliteConnection(settings.EffectiveConnectionString),
                PersistenceProvider.PostgreSql => new NpgsqlConnection(settings.EffectiveConnectionString),
                _ => null,
            };
            if (connection is null)
            {
                return null;
            }

            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is DbException or IOException or InvalidOperationException)
        {
            return null;
        }
    }
}
