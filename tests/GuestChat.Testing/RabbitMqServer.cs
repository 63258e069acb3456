namespace GuestChat.Testing;

/// <summary>
/// A throw-away RabbitMQ node for the tests that need one, started by the project's own
/// <c>scripts/rabbitmq.sh</c> (Debian's package, installed if missing; a node directory of its own; free
/// loopback ports) and removed with its data when disposed. <see cref="PauseAsync"/> and
/// <see cref="ResumeAsync"/> stop and start it again on the same port with its data: a broker outage.
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(5);
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"guestchat-rmq-{Guid.NewGuid():N}"[..26]);
    private Uri? _uri;

    /// <summary>The node's AMQP URI (user guest, loopback only).</summary>
    public Uri Uri => _uri ?? throw new InvalidOperationException("The node has not started.");

    /// <summary>Starts the node (installing RabbitMQ first where it is missing).</summary>
    public async Task StartAsync()
    {
        var started = await Processes.RunAsync("bash", $"\"{Script}\" start \"{_folder}\"", StartDeadline);
        var line = started.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith("Uri=", StringComparison.Ordinal));
        if (started.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"scripts/rabbitmq.sh could not start RabbitMQ (exit {started.ExitCode}):\n{started.Output}");
        }

        _uri = new Uri(line["Uri=".Length..].Trim());
    }

    /// <summary>Stops the node, keeping its data.</summary>
    public async Task PauseAsync() => await Processes.RunAsync("bash", $"\"{Script}\" pause \"{_folder}\"", TimeSpan.FromMinutes(1));

    /// <summary>Starts the paused node again, on the same port.</summary>
    public Task ResumeAsync() => StartAsync();

    public async ValueTask DisposeAsync() => await Processes.RunAsync("bash", $"\"{Script}\" stop \"{_folder}\"", TimeSpan.FromMinutes(1));

    private static string Script => System.IO.Path.Combine(Processes.RepositoryRoot(), "scripts", "rabbitmq.sh");
}
