using System.Diagnostics;

namespace GuestChat.Host.Amqp;

/// <summary>
/// A throw-away RabbitMQ node, started with the repository's <c>scripts/rabbitmq.sh</c> (Debian's package,
/// installed where missing, as root) in a temporary folder and removed with it when disposed: the broker of
/// <c>run --via amqp</c> when none is given, and of the tests and benchmarks. <see cref="PauseAsync"/> and
/// <see cref="ResumeAsync"/> stop it and start it again on the same port with its data (a broker outage).
/// </summary>
internal sealed class ScriptedBroker : IAsyncDisposable
{
    private readonly string _script;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"guestchat-rmq-{Guid.NewGuid():N}"[..26]);

    private ScriptedBroker(string script) => _script = script;

    /// <summary>The node's AMQP URI (user guest, which RabbitMQ allows on loopback only).</summary>
    public Uri Uri { get; private set; } = null!;

    /// <summary>Starts a node; <paramref name="progress"/> hears that it is starting (it can take a while the first time, when the package is installed).</summary>
    public static async Task<ScriptedBroker> StartAsync(TextWriter? progress = null, CancellationToken cancellationToken = default)
    {
        var script = Find() ?? throw new ArgumentException("A throw-away broker needs the repository's scripts/rabbitmq.sh: run from the repository, or give a broker (--amqp-uri).");
        var broker = new ScriptedBroker(script);
        progress?.WriteLine("Starting a throw-away RabbitMQ with scripts/rabbitmq.sh...");
        await broker.ResumeAsync(cancellationToken);
        return broker;
    }

    /// <summary>Stops the node, keeping its data.</summary>
    public async Task PauseAsync() => await RunAsync("pause", CancellationToken.None);

    /// <summary>Starts the node (again, on the same port, after a pause).</summary>
    public async Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        var (code, output) = await RunAsync("start", cancellationToken);
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("Uri=", StringComparison.Ordinal));
        if (code != 0 || line is null)
        {
            throw new InvalidOperationException($"scripts/rabbitmq.sh could not start RabbitMQ (exit {code}):\n{output}");
        }

        Uri = new Uri(line["Uri=".Length..].Trim());
    }

    public async ValueTask DisposeAsync() => await RunAsync("stop", CancellationToken.None);

    private async Task<(int Code, string Output)> RunAsync(string command, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [_script, command, _folder]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await errors);
    }

    private static string? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var script = Path.Combine(folder.FullName, "scripts", "rabbitmq.sh");
                if (File.Exists(script))
                {
                    return script;
                }
            }
        }

        return null;
    }
}
