using Npgsql;

namespace GuestChat.Testing;

/// <summary>
/// A throw-away PostgreSQL for the tests that need one, started by the project's own
/// <c>scripts/postgres.sh</c> (Debian's package, installed if missing; a data directory of its own; a
/// free loopback port) and stopped with its data when disposed. Each test takes a database of its own.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(5);
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"guestchat-pg-{Guid.NewGuid():N}"[..24]);
    private string? _connectionString;

    /// <summary>The server's own database, for administration.</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Starts the server (installing PostgreSQL first where it is missing).</summary>
    public async Task StartAsync()
    {
        var script = System.IO.Path.Combine(Processes.RepositoryRoot(), "scripts", "postgres.sh");
        var started = await Processes.RunAsync("bash", $"\"{script}\" start \"{_folder}\"", StartDeadline);
        var line = started.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith("ConnectionString=", StringComparison.Ordinal));
        if (started.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"scripts/postgres.sh could not start PostgreSQL (exit {started.ExitCode}):\n{started.Output}");
        }

        _connectionString = line["ConnectionString=".Length..].Trim();
    }

    /// <summary>A new, empty database on the server, and its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var script = System.IO.Path.Combine(Processes.RepositoryRoot(), "scripts", "postgres.sh");
        await Processes.RunAsync("bash", $"\"{script}\" stop \"{_folder}\"", TimeSpan.FromMinutes(1));
    }
}
