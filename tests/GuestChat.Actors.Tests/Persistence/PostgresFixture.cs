namespace GuestChat.Actors.Tests.Persistence;

/// <summary>One throw-away PostgreSQL server for a test class (see <see cref="PostgresServer"/>).</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; } = new();

    public Task InitializeAsync() => Server.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
