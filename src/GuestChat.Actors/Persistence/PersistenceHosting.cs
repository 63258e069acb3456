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
                builder.AddHocon(SqliteSettings + $"\nakka.persistence.journal.sql.synchronous = {settings.SqliteSynchronous.ToString().ToLowerInvariant()}", HoconAddMode.Prepend);
                break;

            case PersistenceProvider.PostgreSql:
                builder.WithSqlPersistence(settings.EffectiveConnectionString!, ProviderName.PostgreSQL15, autoInitialize: true);
                break;
        }

        return builder;
    }

    /// <summary>
    /// The journal's writes on SQLite go through <see cref="SqliteWriteJournal"/> (one held connection, a
    /// prepared insert); the rest is Akka.Persistence.Sql's.
    /// <para>
    /// One writer on SQLite, which takes one write transaction at a time anyway: with Akka.Persistence.Sql's
    /// default of 3 writers side by side, two of them wait on the database lock at any moment (Microsoft.Data.Sqlite
    /// retries a busy database after sleeping), while one writer batches what arrives during its commit (this
    /// still holds for the events Akka.Persistence.Sql writes itself, those with tags).
    /// </para>
    /// <para>
    /// Reads on SQLite in deferred transactions: SQLite's "serializable" (what an unspecified level becomes)
    /// begins every transaction with the write lock, so each conversation's recovery would queue behind
    /// every write; in write-ahead-log mode a deferred reader sees a consistent state without any lock.
    /// </para>
    /// </summary>
    private const string SqliteSettings = """
        akka.persistence.journal.sql.class = "GuestChat.Actors.Persistence.SqliteWriteJournal, GuestChat.Actors"
        akka.persistence.journal.sql.parallelism = 1
        akka.persistence.journal.sql.read-isolation-level = read-uncommitted
        akka.persistence.snapshot-store.sql.read-isolation-level = read-uncommitted
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
