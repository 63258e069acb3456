using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GuestChat.Benchmarks.EmulatorCapacity;

/// <summary>
/// The emulator in a process of its own (10,000 sockets on each side do not fit one process's
/// 20,000 open files), started from the copy built beside this program, on a free loopback port.
/// </summary>
internal sealed partial class EmulatorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private EmulatorProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public int Id => _process.Id;

    public static async Task<EmulatorProcess> StartAsync(IEnumerable<string> settings, TimeSpan deadline)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "GuestChat.Emulator"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
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
                return new EmulatorProcess(process, new Uri(match.Groups[1].Value));
            }
        }

        throw new InvalidOperationException("The emulator ended before printing its base URL.");
    }

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

    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public async ValueTask DisposeAsync()
    {
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
