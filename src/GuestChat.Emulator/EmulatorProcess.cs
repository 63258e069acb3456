using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using GuestChat.Emulator.Control;

namespace GuestChat.Emulator;

/// <summary>
/// The emulator in a process of its own (10,000 sockets on each side do not fit one process's
/// 20,000 open files), started from the copy built beside the calling program, on a free loopback
/// port; settings are the executable's <c>--Emulator:...=value</c> arguments.
/// </summary>
public sealed partial class EmulatorProcess : IRunningEmulator, IAsyncDisposable
{
    private readonly Process _process;
    private readonly EmulatorControlClient _control;

    private EmulatorProcess(Process process, Uri baseUrl, EmulatorChatDefaults chatDefaults)
    {
        _process = process;
        BaseUrl = baseUrl;
        ChatDefaults = chatDefaults;
        _control = EmulatorControlClient.For(baseUrl, chatDefaults);
    }

    /// <inheritdoc />
    public Uri BaseUrl { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <inheritdoc />
    public EmulatorChatDefaults ChatDefaults { get; }

    /// <summary>Starts the emulator and waits (up to <paramref name="deadline"/>) until it prints its base URL.</summary>
    public static async Task<EmulatorProcess> StartAsync(IEnumerable<string> settings, TimeSpan deadline)
    {
        settings = [.. settings];
        var chatDefaults = EmulatorChatDefaults.Of(Options.EmulatorOptions.FromSettings(settings).Normalize());
        // The apphost where the build put one; the framework-dependent dll through dotnet where a publish did not.
        var apphost = Path.Combine(AppContext.BaseDirectory, "GuestChat.Emulator");
        var start = File.Exists(apphost) ? new ProcessStartInfo(apphost) : new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "GuestChat.Emulator.dll")]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The emulator did not start.");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[emulator] {e.Data}");
            }
        };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(deadline);
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var match = BaseUrlLine().Match(line);
            if (match.Success)
            {
                _ = DrainAsync(process.StandardOutput);
                return new EmulatorProcess(process, new Uri(match.Groups[1].Value), chatDefaults);
            }
        }

        throw new InvalidOperationException("The emulator ended before printing its base URL.");
    }

    /// <inheritdoc />
    public Task<ConversationSnapshot?> ConversationAsync(string conversationId, CancellationToken cancellationToken) =>
        _control.ConversationAsync(conversationId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ConversationIdsAsync(DateTimeOffset? createdSince, CancellationToken cancellationToken) =>
        _control.ConversationIdsAsync(createdSince, cancellationToken);

    /// <summary>Resident and peak resident memory, from /proc.</summary>
    public (long Rss, long PeakRss) Memory()
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
        }

        return (rss, peak);
    }

    /// <summary>CPU time the process has used.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _control.DisposeAsync();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    private static async Task DrainAsync(StreamReader output)
    {
        while (await output.ReadLineAsync() is not null)
        {
        }
    }

    [GeneratedRegex(@"base URL:\s+(http://\S+)")]
    private static partial Regex BaseUrlLine();
}
