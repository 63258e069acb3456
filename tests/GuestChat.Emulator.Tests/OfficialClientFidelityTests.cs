using GuestChat.Emulator.Tests.Support;

namespace GuestChat.Emulator.Tests;

/// <summary>
/// The official JavaScript client (purecloud-guest-chat-client 13.2.0, pinned in
/// OfficialClient/package-lock.json) runs all 11 operations and a whole chat against the emulator.
/// Needs Node.js and npm on the PATH; installs its packages with <c>npm ci</c> when they are missing.
/// </summary>
public sealed class OfficialClientFidelityTests
{
    private static readonly TimeSpan InstallDeadline = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan SuiteDeadline = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_official_javascript_client_cannot_tell_the_emulator_from_the_real_service()
    {
        var folder = Path.Combine(Processes.RepositoryRoot(), "tests", "GuestChat.Emulator.Tests", "OfficialClient");
        await InstallPackagesAsync(folder);
        await using var emulator = await TestEmulator.StartAsync();
        await using var expiring = await TestEmulator.StartAsync(o => o.Timing.JwtLifetime = TimeSpan.FromSeconds(1));

        var (exitCode, _, _, output) = await Processes.RunAsync("node", "--test --test-reporter=spec fidelity.test.mjs", SuiteDeadline, folder,
            new Dictionary<string, string?>
            {
                ["EMULATOR_URL"] = emulator.Emulator.BaseUrl.ToString().TrimEnd('/'),
                ["EXPIRING_EMULATOR_URL"] = expiring.Emulator.BaseUrl.ToString().TrimEnd('/'),
            });

        Assert.True(exitCode == 0, "The official client's fidelity suite failed:\n" + output);
        Assert.Contains("ℹ fail 0", output);
        Assert.DoesNotContain("ℹ pass 0", output);
        Assert.Contains("ℹ skipped 0", output);
    }

    private static async Task InstallPackagesAsync(string folder)
    {
        var installed = await Processes.InstallNodePackagesAsync(folder, InstallDeadline);
        Assert.True(installed is null or { ExitCode: 0 }, "npm ci failed:\n" + installed?.Output);
    }
}
