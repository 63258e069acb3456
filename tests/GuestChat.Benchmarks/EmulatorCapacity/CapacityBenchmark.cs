using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using GuestChat.Client.Models;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;

namespace GuestChat.Benchmarks.EmulatorCapacity;

/// <summary>
/// Can the emulator hold the chats a service benchmark needs without being its bottleneck? Opens
/// many chats, then posts at a steady rate and measures posts, socket fan-out and agent replies,
/// with the emulator's CPU and memory, and writes it all to a JSON file.
/// </summary>
internal static class CapacityBenchmark
{
    public static async Task<int> RunAsync(CapacityOptions options)
    {
        ThreadPool.SetMinThreads(64, 64);
        var settings = new List<string>
        {
            "--Emulator:Timing:AgentAlertDelay=00:00:00.2",
            "--Emulator:Timing:AgentAnswerDelay=00:00:00.2",
            "--Emulator:Timing:GraceWindow=00:10:00",
            "--Emulator:Queues:0:Name=Load Queue",
            $"--Emulator:Queues:0:Agent:Reply={(options.AgentEchoes ? "Echo" : "Silent")}",
            "--Emulator:Queues:0:Agent:ThinkTime=00:00:00.1",
            "--Emulator:Queues:0:Agent:TypingTime=00:00:00.1",
        };
        Console.WriteLine($"Starting the emulator ({(options.AgentEchoes ? "agents echo" : "agents silent")})...");
        await using var emulator = await EmulatorProcess.StartAsync(settings, TimeSpan.FromSeconds(60));
        var idle = emulator.Memory();

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var run = new CapacityRun(http, (int)Math.Min(int.MaxValue / 2, (long)options.Rate * options.Seconds * 2));
        var request = new CreateWebChatConversationRequest
        {
            OrganizationId = EmulatorDefaults.OrganizationId,
            DeploymentId = EmulatorDefaults.DeploymentId,
            RoutingTarget = new WebChatRoutingTarget { TargetType = RoutingTargetType.Queue, TargetAddress = "Load Queue" },
            MemberInfo = new GuestMemberInfo { DisplayName = "Load Guest" },
        };

        Console.WriteLine($"Opening {options.Chats} chats ({options.OpenConcurrency} at a time)...");
        var guests = Enumerable.Range(0, options.Chats).Select(i => new LoadGuest(run, i)).ToArray();
        var openClock = Stopwatch.StartNew();
        var cpuBeforeOpen = emulator.CpuTime();
        await Parallel.ForEachAsync(guests, new ParallelOptions { MaxDegreeOfParallelism = options.OpenConcurrency },
            async (guest, token) => await guest.OpenAsync(request, token));
        var opened = openClock.Elapsed;
        var waitedForAgents = await WaitAsync(() => Interlocked.Read(ref run.AgentsConnected) >= options.Chats, TimeSpan.FromSeconds(120));
        var setup = openClock.Elapsed;
        var cpuOpen = emulator.CpuTime() - cpuBeforeOpen;
        var loaded = emulator.Memory();
        var counters = await CountersAsync(http);
        Console.WriteLine($"  opened in {opened.TotalSeconds:F1} s ({options.Chats / opened.TotalSeconds:F0} chats/s), all agents connected: {waitedForAgents}, sockets open at the emulator: {counters["socketsOpen"]}");

        Console.WriteLine($"Posting {options.Rate} messages/s for {options.Seconds} s...");
        var cpuBeforeSteady = emulator.CpuTime();
        var framesBefore = Interlocked.Read(ref run.FramesReceived);
        var steady = await PostSteadilyAsync(guests, run, options);
        var cpuSteady = emulator.CpuTime() - cpuBeforeSteady;
        var framesSteady = Interlocked.Read(ref run.FramesReceived) - framesBefore;
        await WaitAsync(() => run.SentAt.IsEmpty || (!options.AgentEchoes && Interlocked.Read(ref run.EchoesReceived) >= Interlocked.Read(ref run.PostsOk)), TimeSpan.FromSeconds(15));
        var peak = emulator.Memory();
        var finalCounters = await CountersAsync(http);
        run.Stopping = true;
        foreach (var guest in guests)
        {
            guest.Close();
        }

        var cores = Environment.ProcessorCount;
        var results = new JsonObject
        {
            ["benchmark"] = "emulator-capacity",
            ["command"] = "dotnet run -c Release --project tests/GuestChat.Benchmarks -- emulator " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2)),
            ["when"] = DateTimeOffset.UtcNow.ToString("u"),
            ["machine"] = new JsonObject { ["cores"] = cores, ["os"] = RuntimeInformation.OSDescription, ["runtime"] = RuntimeInformation.FrameworkDescription },
            ["options"] = JsonSerializer.SerializeToNode(new { options.Chats, options.Rate, options.Seconds, options.OpenConcurrency, options.MaxInFlight, agent = options.AgentEchoes ? "echo" : "silent" }),
            ["setup"] = new JsonObject
            {
                ["chatsOpened"] = options.Chats,
                ["openSeconds"] = Math.Round(opened.TotalSeconds, 2),
                ["chatsPerSecond"] = Math.Round(options.Chats / opened.TotalSeconds, 0),
                ["allAgentsConnected"] = waitedForAgents,
                ["secondsUntilAllAgentsConnected"] = Math.Round(setup.TotalSeconds, 2),
                ["emulatorSocketsOpen"] = counters["socketsOpen"],
                ["emulatorCpuSeconds"] = Math.Round(cpuOpen.TotalSeconds, 2),
            },
            ["steady"] = new JsonObject
            {
                ["targetPostsPerSecond"] = options.Rate,
                ["achievedPostsPerSecond"] = Math.Round(steady.Posted / steady.Elapsed.TotalSeconds, 0),
                ["postsOk"] = Interlocked.Read(ref run.PostsOk),
                ["postsFailed"] = Interlocked.Read(ref run.PostsFailed),
                ["postLatencyMs"] = JsonSerializer.SerializeToNode(run.PostLatency.Percentiles()),
                ["echoesReceived"] = Interlocked.Read(ref run.EchoesReceived),
                ["echoLatencyMs"] = JsonSerializer.SerializeToNode(run.EchoLatency.Percentiles()),
                ["repliesReceived"] = Interlocked.Read(ref run.RepliesReceived),
                ["replyLatencyMsIncludingAgentThinkAndTyping200Ms"] = JsonSerializer.SerializeToNode(run.ReplyLatency.Percentiles()),
                ["framesReceivedPerSecond"] = Math.Round(framesSteady / steady.Elapsed.TotalSeconds, 0),
                ["emulatorCpuCoresBusy"] = Math.Round(cpuSteady.TotalSeconds / steady.Elapsed.TotalSeconds, 2),
                ["socketsLost"] = Interlocked.Read(ref run.SocketsLost),
            },
            ["emulatorMemory"] = new JsonObject
            {
                ["idleRssBytes"] = idle.Rss,
                ["rssWithAllChatsBytes"] = loaded.Rss,
                ["bytesPerAttachedChat"] = (loaded.Rss - idle.Rss) / options.Chats,
                ["peakRssBytes"] = peak.PeakRss,
            },
            ["emulatorCounters"] = JsonSerializer.SerializeToNode(finalCounters),
        };

        var text = results.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
        await File.WriteAllTextAsync(options.Output, text);
        Console.WriteLine(text);
        Console.WriteLine($"Results written to {options.Output}");
        return 0;
    }

    private static async Task<(long Posted, TimeSpan Elapsed)> PostSteadilyAsync(LoadGuest[] guests, CapacityRun run, CapacityOptions options)
    {
        using var gate = new SemaphoreSlim(options.MaxInFlight);
        var total = (long)options.Rate * options.Seconds;
        var clock = Stopwatch.StartNew();
        var posts = new List<Task>();
        long issued = 0;
        while (issued < total)
        {
            var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * options.Rate));
            for (; issued < due; issued++)
            {
                await gate.WaitAsync();
                var guest = guests[issued % guests.Length];
                posts.Add(PostAndReleaseAsync(guest, gate));
            }

            await Task.Delay(2);
        }

        await Task.WhenAll(posts);
        return (issued, clock.Elapsed);
    }

    private static async Task PostAndReleaseAsync(LoadGuest guest, SemaphoreSlim gate)
    {
        try
        {
            await guest.PostAsync(CancellationToken.None);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    private static async Task<Dictionary<string, long>> CountersAsync(HttpClient http) =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(await http.GetStringAsync("/emulator/counters"))!;
}
