namespace GuestChat.Host.Tests;

/// <summary>The real GuestChat.Host executable, started as a person would, with its output and exit code.</summary>
internal static class HostExecutable
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string arguments, TimeSpan deadline)
    {
        // The settings under test are the arguments, not whatever the machine running the tests has set.
        var finished = await Processes.RunAsync(Path.Combine(AppContext.BaseDirectory, "GuestChat.Host"), arguments, deadline,
            environment: new Dictionary<string, string?> { ["GUESTCHAT_Service__ApiKey"] = null, ["GUESTCHAT_Persistence__JwtKey"] = null });
        return (finished.ExitCode, finished.Stdout, finished.Stderr);
    }
}
