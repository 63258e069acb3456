using Microsoft.Data.Sqlite;
using Npgsql;

namespace GuestChat.Actors.Persistence;

/// <summary>How many bytes the journal takes on disk: the SQLite file with its write-ahead log, or the PostgreSQL database.</summary>
public static class JournalSize
{
    /// <summary>The journal's size now; null with the in-memory provider or when it cannot be read.</summary>
    public static async Task<long?> BytesAsync(JournalSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            switch (settings.Provider)
            {
                case PersistenceProvider.Sqlite:
                {
                    var file = new SqliteConnectionStringBuilder(settings.EffectiveConnectionString).DataSource;
                    return new[] { file, file + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
                }

                case PersistenceProvider.PostgreSql:
                {
                    await using var connection = new NpgsqlConnection(settings.EffectiveConnectionString);
                    await connection.OpenAsync(cancellationToken);
                    await using var size = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
                    return (long?)await size.ExecuteScalarAsync(cancellationToken);
                }

                default:
                    return null;
            }
        }
        catch (Exception e) when (e is IOException or NpgsqlException or InvalidOperationException)
        {
            return null;
        }
    }
}
