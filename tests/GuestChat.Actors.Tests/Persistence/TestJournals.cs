using GuestChat.Actors.Persistence;

namespace GuestChat.Actors.Tests.Persistence;

/// <summary>The journals the persistence tests run on: a SQLite file in the test's folder, or a database of its own on a throw-away PostgreSQL.</summary>
internal static class TestJournals
{
    public static Task<JournalSettings> SqliteAsync(string folder) => Task.FromResult(new JournalSettings
    {
        Provider = PersistenceProvider.Sqlite,
        ConnectionString = $"Data Source={Path.Combine(folder, "guestchat.db")}",
        JwtKey = SecretProtector.NewKey(),
    });

    public static async Task<JournalSettings> PostgreSqlAsync(PostgresServer server) => new()
    {
        Provider = PersistenceProvider.PostgreSql,
        ConnectionString = await server.CreateDatabaseAsync(),
        JwtKey = SecretProtector.NewKey(),
    };
}
