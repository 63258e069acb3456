using System.Diagnostics;

namespace GuestChat.Host.Tests;

/// <summary>The real GuestChat.Host executable, started as a person would, with its output and exit code.</summary>
internal static class HostProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string arguments, TimeSpan deadline)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "GuestChat.Host"), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // The settings under test are the arguments, not whatever the machine running the tests has set.
        start.Environment.Remove("GUESTCHAT_Service__ApiKey");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(deadline);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
