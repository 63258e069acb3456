using System.Diagnostics;

namespace GuestChat.Host.Run;

/// <summary>
/// A throw-away RabbitMQ node for <c>run --via amqp</c> when no broker is given: started with the
/// repository's <c>scripts/rabbitmq.sh</c> (Debian's package, installed where missing, as root) in a
/// temporary folder, and removed with it when the run is over.
/// </summary>
internal sealed class ScriptedBroker : IAsyncDisposable
{
    private readonly string _script;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"guestchat-run-rmq-{Guid.NewGuid():N}"[..28]);

    private ScriptedBroker(string script, string uri)
    {
        _script = script;
        Uri = uri;
    }

    public string Uri { get; private set; }

    public static async Task<ScriptedBroker> StartAsync(TextWriter progress, CancellationToken cancellationToken)
    {
        var script = Find() ?? throw new ArgumentException("--via amqp needs a broker: give --amqp-uri, or run from the repository, whose scripts/rabbitmq.sh starts one.");
        var broker = new ScriptedBroker(script, "");
        progress.WriteLine("Starting a throw-away RabbitMQ with scripts/rabbitmq.sh...");
        var (code, output) = await broker.RunAsync("start", cancellationToken);
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("Uri=", StringComparison.Ordinal));
        if (code != 0 || line is null)
        {
            throw new InvalidOperationException($"scripts/rabbitmq.sh could not start RabbitMQ (exit {code}):\n{output}");
        }

        broker.Uri = line["Uri=".Length..].Trim();
        return broker;
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
