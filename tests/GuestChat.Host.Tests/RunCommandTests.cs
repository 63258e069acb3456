using GuestChat.Host.Amqp;
using System.Text.Json.Nodes;

namespace GuestChat.Host.Tests;

/// <summary>The run verb as a person types it: the real executable, the embedded emulator, its report.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task Run_opens_the_chats_and_reports_every_message_delivered_once_as_json_on_the_last_line()
    {
        var (exitCode, stdout, stderr) = await RunAsync("run --chats 8 --messages 2 --ramp 0 --json");

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        var report = JsonNode.Parse(stdout.TrimEnd().Split('\n')[^1])!;
        Assert.Equal(8, report["chats"]!.GetValue<int>());
        Assert.Equal(0, report["chatsFailed"]!.GetValue<long>());
        Assert.Equal(16, report["messagesSent"]!.GetValue<long>());
        Assert.Equal(16, report["messagesReceived"]!.GetValue<long>());
        Assert.Equal(0, report["lost"]!.GetValue<long>());
        Assert.Equal(0, report["duplicated"]!.GetValue<long>());
        Assert.True(report["latencyP50Ms"]!.GetValue<double>() > 0);
        Assert.True(report["latencyP99Ms"]!.GetValue<double>() >= report["latencyP50Ms"]!.GetValue<double>());
        Assert.Null(report["memoryPerChatBytes"]);
        Assert.True(report["peakMemoryBytes"]!.GetValue<long>() > 0);
        Assert.True(report["wallSeconds"]!.GetValue<double>() > 0);

        // A run shorter than 10 s still says how hard it pressed on the API, over the seconds it lasted.
        Assert.True(report["busiestRequestsPerSecond"]!.GetValue<double>() > 0);
        Assert.InRange(report["busiestWindowSeconds"]!.GetValue<int>(), 1, 10);
        Assert.Contains("chats: 8 started", stderr, StringComparison.Ordinal);
        Assert.Contains("Chats:     8 ok, 0 failed of 8", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_under_chaos_still_loses_and_duplicates_nothing()
    {
        var (exitCode, stdout, stderr) = await RunAsync("run --chats 10 --messages 2 --ramp 0 --faults chaos --json");

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        var report = JsonNode.Parse(stdout.TrimEnd().Split('\n')[^1])!;
        Assert.Equal(0, report["chatsFailed"]!.GetValue<long>());
        Assert.Equal(0, report["lost"]!.GetValue<long>());
        Assert.Equal(0, report["duplicated"]!.GetValue<long>());
    }

    [Fact]
    public async Task Run_through_the_message_queue_loses_and_duplicates_nothing()
    {
        await using var broker = await ScriptedBroker.StartAsync();
        var (exitCode, stdout, stderr) = await RunAsync($"run --chats 8 --messages 2 --ramp 0 --via amqp --amqp-uri {broker.Uri} --json");

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        var report = JsonNode.Parse(stdout.TrimEnd().Split('\n')[^1])!;
        Assert.Equal(0, report["chatsFailed"]!.GetValue<long>());
        Assert.Equal(16, report["messagesSent"]!.GetValue<long>());
        Assert.Equal(16, report["messagesReceived"]!.GetValue<long>());
        Assert.Equal(0, report["lost"]!.GetValue<long>());
        Assert.Equal(0, report["duplicated"]!.GetValue<long>());
        Assert.Contains("through the broker at 127.0.0.1:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_the_emulator_in_its_own_process_checks_the_transcripts_over_its_control_api()
    {
        var (exitCode, stdout, stderr) = await RunAsync("run --chats 6 --messages 2 --ramp 0 --emulator process --json");

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        var report = JsonNode.Parse(stdout.TrimEnd().Split('\n')[^1])!;
        Assert.Equal("process", report["emulator"]!.GetValue<string>());
        Assert.InRange(report["memoryPerChatBytes"]!.GetValue<long>(), 1, 50 * 1024 * 1024);
        Assert.Equal(12, report["messagesReceived"]!.GetValue<long>());
        Assert.Equal(0, report["lost"]!.GetValue<long>());
        Assert.Equal(0, report["duplicated"]!.GetValue<long>());
        Assert.Contains("in its own process", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_against_an_emulator_started_on_its_own_needs_no_ids_and_checks_its_transcripts()
    {
        await using var emulator = await GuestChat.Emulator.GuestChatEmulator.StartAsync(GuestChat.Emulator.Options.EmulatorOptions.Quick());

        // Twice against the same emulator: the second run's check is about its own chats, not the first run's.
        foreach (var run in new[] { 1, 2 })
        {
            var (exitCode, stdout, stderr) = await RunAsync($"run --target {emulator.BaseUrl} --chats 4 --messages 2 --ramp 0 --json");

            Assert.True(exitCode == 0, $"run {run}: exit {exitCode}\n{stdout}\n{stderr}");
            var report = JsonNode.Parse(stdout.TrimEnd().Split('\n')[^1])!;
            Assert.Equal("external", report["emulator"]!.GetValue<string>());
            Assert.Equal(4, report["chatsOk"]!.GetValue<long>());
            Assert.Equal(8, report["messagesReceived"]!.GetValue<long>());
            Assert.Equal(0, report["lost"]!.GetValue<long>());
            Assert.Equal(0, report["duplicated"]!.GetValue<long>());
            Assert.Equal(4 * run, emulator.Conversations().Count);
        }
    }

    [Theory]
    [InlineData("run --chats 0", "--chats must be at least 1")]
    [InlineData("run --scenario /no/such/file.json", "does not exist")]
    [InlineData("run --faults apocalypse", "Unknown fault profile")]
    [InlineData("run --target mypurecloud.ie", "--organization is required with --target mypurecloud.ie")]
    [InlineData("run --target mypurecloud.ie --organization 6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10", "--deployment is required")]
    [InlineData("run --organization acme", "--organization must be a GUID")]
    public async Task Bad_options_are_refused_with_a_clear_message(string arguments, string message)
    {
        var (exitCode, stdout, stderr) = await RunAsync(arguments);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_explains_the_run_verb()
    {
        var (exitCode, stdout, _) = await RunAsync("run --help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--chats", stdout, StringComparison.Ordinal);
        Assert.Contains("--scenario", stdout, StringComparison.Ordinal);
        Assert.Contains("--target", stdout, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string arguments) => HostExecutable.RunAsync(arguments, TimeSpan.FromMinutes(3));
}
