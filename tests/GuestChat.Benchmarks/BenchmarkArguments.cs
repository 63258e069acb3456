using System.Globalization;
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
    /// round the conversations <paramref name="conversationId"/> names, through the control API (at most
    /// 128 posts in flight); returns how long that took.
    /// </summary>
    public static async Task<TimeSpan> AgentsSpeakAsync(HttpClient control, Func<int, string> conversationId, int rate, int seconds)
    {
        var total = rate * seconds;
        var sent = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var posts = new List<Task>();
        using var gate = new SemaphoreSlim(128);
        while (sent < total)
        {
            var due = Math.Min(total, (int)(clock.Elapsed.TotalSeconds * rate));
            for (; sent < due; sent++)
            {
                await gate.WaitAsync();
                posts.Add(System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(control, $"/emulator/conversations/{conversationId(sent)}/agent/messages", new { body = $"m{sent}" })
                    .ContinueWith(_ => gate.Release(), TaskScheduler.Default));
            }

            await Task.Delay(2);
        }

        await Task.WhenAll(posts);
        return clock.Elapsed;
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
