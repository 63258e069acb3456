using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace GuestChat.Testing;

/// <summary>The real <c>serve</c> executable, running: where it listens, everything it printed, and a way to kill it as an OOM killer would.</summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ServeProcess(Process process) => _process = process;

    /// <summary>Its process id (for its CPU time and memory, as the benchmarks read them).</summary>
    public int Id => _process.Id;

    /// <summary>Its CPU time so far, user and system.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Its resident memory now.</summary>
    public long ResidentBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>Where its HTTP API listens.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Everything it printed so far, both streams.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts <c>serve</c> on a free loopback port with these arguments and environment, and waits until it listens.</summary>
    public static async Task<ServeProcess> StartAsync(string arguments, IDictionary<string, string> environment, TimeSpan deadline)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "GuestChat.Host"), $"serve --urls http://127.0.0.1:0 {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("GUESTCHAT_Service__ApiKey");
        start.Environment.Remove("GUESTCHAT_Persistence__JwtKey");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var serve = new ServeProcess(Process.Start(start)!);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        serve._process.OutputDataReceived += (_, e) =>
        {
            serve.Append(e.Data);
            if (e.Data is not null && ListeningOn().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        serve._process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
        serve._process.BeginOutputReadLine();
        serve._process.BeginErrorReadLine();
        try
        {
            serve.BaseUrl = await listening.Task.WaitAsync(deadline);
        }
        catch (TimeoutException)
        {
            await serve.DisposeAsync();
            throw new TimeoutException($"serve did not listen within {deadline}:\n{serve.Log}");
        }

        return serve;
    }

    /// <summary>A client of this service's HTTP API that sends <paramref name="apiKey"/>.</summary>
    public HttpClient Client(string apiKey)
    {
        var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return http;
    }

    /// <summary>SIGKILL: no shutdown, no flush, nothing written on the way out.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    [GeneratedRegex(@"Now listening on: \\?""?(http://[0-9.:]+)")]
    private static partial Regex ListeningOn();
}
