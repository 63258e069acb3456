using Akka.Hosting;
using Akka.Persistence.Hosting;
using Akka.Persistence.Sql.Hosting;
using LinqToDB;

namespace GuestChat.Actors.Persistence;

/// <summary>Wires the journal and snapshot store for conversations, and the facts' serializer, into an Akka.Hosting builder.</summary>
public static class PersistenceHosting
{
    /// <summary>
    /// In memory for <see cref="PersistenceProvider.None"/>; Akka.Persistence.Sql on SQLite or PostgreSQL
    /// otherwise, with its tables created at start (and, for SQLite, the file's folder). The facts always
    /// go through <see cref="ConversationFactSerializer"/>, never a default serializer.
    /// </summary>
    public static AkkaConfigurationBuilder WithConversationPersistence(this AkkaConfigurationBuilder builder, JournalSettings settings)
    {
        if (settings.Problems().FirstOrDefault() is { } problem)
        {
            throw new ArgumentException(problem, nameof(settings));
        }

        builder.WithCustomSerializer("conversation-facts", [typeof(IConversationFact)], system => new ConversationFactSerializer(system));
        switch (settings.Provider)
        {
            case PersistenceProvider.None:
                builder.WithInMemoryJournal().WithInMemorySnapshotStore();
                break;

            case PersistenceProvider.Sqlite:
                PrepareSqlite(settings.EffectiveConnectionString!);
                PrepareSqlite(settings.SnapshotConnectionString!);
                builder.WithSqlPersistence(settings.EffectiveConnectionString!, ProviderName.SQLiteMS, PersistenceMode.Journal, autoInitialize: true);
                builder.WithSqlPersistence(settings.SnapshotConnectionString!, ProviderName.SQLiteMS, PersistenceMode.SnapshotStore, autoInitialize: true);
                builder.AddHocon(SqliteReads, HoconAddMode.Prepend);
                break;

            case PersistenceProvider.PostgreSql:
                builder.WithSqlPersistence(settings.EffectiveConnectionString!, ProviderName.PostgreSQL15, autoInitialize: true);
                break;
        }

        if (settings.Provider != PersistenceProvider.None)
        {
            builder.AddHocon(FollowQuickly, HoconAddMode.Prepend);
        }

        return builder;
    }

    /// <summary>
    /// Reads on SQLite in deferred transactions: SQLite's "serializable" (what an unspecified level becomes)
    /// begins every transaction with the write lock, so each conversation's recovery would queue behind
    /// every write; in write-ahead-log mode a deferred reader sees a consistent state without any lock.
    /// </summary>
    private const string SqliteReads = """
        akka.persistence.journal.sql.read-isolation-level = read-uncommitted
        akka.persistence.snapshot-store.sql.read-isolation-level = read-uncommitted
        akka.persistence.query.journal.sql.read-isolation-level = read-uncommitted
        """;

    /// <summary>
    /// How readers of the journal (<see cref="MessageLog"/>) follow it: it is polled every 200 ms rather than
    /// every second, and a gap in its numbering (a write still being committed, or one rolled back) is
    /// waited for up to 10 s before it is taken as never to be filled, so no message is passed over.
    /// </summary>
    private const string FollowQuickly = """
        akka.persistence.query.journal.sql {
          refresh-interval = 200ms
          journal-sequence-retrieval {
            query-delay = 200ms
            max-tries = 50
          }
        }
        """;

    /// <summary>
    /// Creates the file's folder, and puts the database in write-ahead-log mode (a setting the file keeps):
    /// a commit is then one append and one sync instead of a rollback journal's several, which is what a
    /// journal of many small writes needs.
    /// </summary>
    private static void PrepareSqlite(string connectionString)
    {
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
        if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        connection.Open();
        using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode=WAL;";
        wal.ExecuteNonQuery();
    }
}
