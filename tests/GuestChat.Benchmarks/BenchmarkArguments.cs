using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GuestChat.Emulator;

namespace GuestChat.Benchmarks;

/// <summary>What the conversation benchmarks share: their options (<c>--name value</c>) and an emulator of their own.</summary>
internal static class BenchmarkArguments
{
    /// <summary>The queue of the benchmark emulator: agents that answer quickly and say nothing unless told.</summary>
    public const string QueueName = "Bench Queue";

    /// <summary>Reads <c>--name value</c> pairs; every name must be one of <paramref name="defaults"/>, whose values are the defaults.</summary>
    public static Dictionary<string, string> Parse(string[] args, Dictionary<string, string> defaults)
    {
        var values = new Dictionary<string, string>(defaults, StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!defaults.ContainsKey(args[i]))
            {
                throw new ArgumentException($"Unknown option {args[i]}");
            }

            values[args[i]] = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        }

        return values;
    }

    /// <summary>Asks <paramref name="condition"/> every 50 ms until it holds; throws naming <paramref name="what"/> after <paramref name="patience"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan patience, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > patience)
            {
                throw new TimeoutException($"Not {what} within {patience}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Has the emulator's agents say <paramref name="rate"/> messages a second for <paramref name="seconds"/>,
    /// in turn round <paramref name="conversationIds"/>, from inside the emulator
    /// (<c>POST /emulator/agents/messages</c>): no HTTP request per message, so the load generator takes
    /// no CPU from the processes measured on the same cores. Returns how long the emulator took from the
    /// first message to the last; fails if any was refused.
    /// </summary>
    public static async Task<TimeSpan> AgentsSpeakAsync(HttpClient control, IReadOnlyList<string> conversationIds, int rate, int seconds)
    {
        using var spoke = await control.PostAsJsonAsync("/emulator/agents/messages", new { conversationIds, count = rate * seconds, messagesPerSecond = rate });
        spoke.EnsureSuccessStatusCode();
        var answer = (await spoke.Content.ReadFromJsonAsync<JsonObject>())!;
        if (answer["refused"]!.GetValue<int>() is > 0 and var refused)
        {
            throw new InvalidOperationException($"The emulator refused {refused} of the agents' messages (a chat without its agent)");
        }

        return TimeSpan.FromSeconds(answer["seconds"]!.GetValue<double>());
    }

    /// <summary>An option's value as a number.</summary>
    public static int Number(this Dictionary<string, string> values, string name) => int.Parse(values[name], CultureInfo.InvariantCulture);

    /// <summary>The emulator in its own process, agents alerted and answering within 0.2 s, a 10-minute grace window, one silent queue.</summary>
    public static Task<EmulatorProcess> StartEmulatorAsync(params string[] settings) => EmulatorProcess.StartAsync(
    [
        "--Emulator:Timing:AgentAlertDelay=00:00:00.2",
        "--Emulator:Timing:AgentAnswerDelay=00:00:00.2",
        "--Emulator:Timing:GraceWindow=00:10:00",
        $"--Emulator:Queues:0:Name={QueueName}",
        "--Emulator:Queues:0:Agent:Reply=Silent",
        .. settings,
    ], TimeSpan.FromSeconds(60));
}
