using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.EventStreams;
using GuestChat.Benchmarks.EmulatorCapacity;
using GuestChat.Client;
using GuestChat.Client.Http;
using GuestChat.Client.Models;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Benchmarks.Actors;

/// <summary>
/// What a live conversation costs in the service process, and how long an agent's message takes to
/// reach its subscriber: opens N conversations through the ConversationManager against the emulator
/// (in its own process), measures memory once all are active, then has the agents speak at a steady
/// rate (paced by the emulator itself, one control request) and times each message from its emulator
/// timestamp to delivery.
/// </summary>
internal static class ConversationBenchmark
{
    public const string Usage = """
        actors [--chats 1000] [--rate 200] [--seconds 20] [--out bench-results/actors-1000.json]

          Opens --chats conversations (actors, sockets and all) against the emulator in its own process,
          reports memory per live chat, then sends --rate agent messages per second for --seconds and
          reports delivery latency p50/p99 from the emulator's message timestamp to the subscriber.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchmarkArguments.Parse(args, new() { ["--chats"] = "1000", ["--rate"] = "200", ["--seconds"] = "20", ["--out"] = "" });
        var (chats, rate, seconds) = (options.Number("--chats"), options.Number("--rate"), options.Number("--seconds"));
        var output = options["--out"] is { Length: > 0 } path ? path : Path.Combine("bench-results", $"actors-{chats}.json");
        ThreadPool.SetMinThreads(32, 32);
        await using var emulator = await BenchmarkArguments.StartEmulatorAsync();
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
        using var client = new GuestChatClient(new GuestChatClientOptions
        {
            Environment = GuestChatEnvironment.FromBaseUrl(emulator.BaseUrl),
            RateLimit = new RateLimitOptions { RequestsPerSecond = 0 },
        });
        using var system = ActorSystem.Create("bench", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        var manager = system.ActorOf(ConversationManager.Props(client, new ConversationSettings(), new EventStreamFactory()), "conversations");
        var latencies = new LatencyRecorder(rate * seconds * 2);
        var delivered = new long[1];
        var active = new long[1];
        var ended = new long[1];
        manager.Tell(new SubscribeAll(system.ActorOf(Props.Create(() => new Recorder(latencies, delivered, active, ended)))));

        var baseline = Measure();
        Console.WriteLine($"Opening {chats} conversations...");
        var clock = Stopwatch.StartNew();
        var ids = new ConcurrentDictionary<int, string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, chats), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            var started = await manager.Ask<Started>(new Start(new ConversationKey($"bench-{i}"), new CreateWebChatConversationRequest
            {
                OrganizationId = EmulatorDefaults.OrganizationId,
                DeploymentId = EmulatorDefaults.DeploymentId,
                RoutingTarget = new WebChatRoutingTarget { TargetType = RoutingTargetType.Queue, TargetAddress = BenchmarkArguments.QueueName },
                MemberInfo = new GuestMemberInfo { DisplayName = "Bench" },
            }), TimeSpan.FromSeconds(60));
            ids[i] = started.ConversationId;
        });
        while (Interlocked.Read(ref active[0]) < chats && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(100);
        }

        var setupSeconds = clock.Elapsed.TotalSeconds;
        var loaded = Measure();
        Console.WriteLine($"  {Interlocked.Read(ref active[0])} active after {setupSeconds:F1} s; managed {(loaded.Managed - baseline.Managed) / chats / 1024.0:F1} KiB and RSS {(loaded.Rss - baseline.Rss) / chats / 1024.0:F1} KiB per chat");

        Console.WriteLine($"Agents speak {rate} messages/s for {seconds} s...");
        var total = rate * seconds;
        var steadySeconds = (await BenchmarkArguments.AgentsSpeakAsync(control, [.. Enumerable.Range(0, chats).Select(i => ids[i])], rate, seconds)).TotalSeconds;
        var drain = Stopwatch.StartNew();
        while (Interlocked.Read(ref delivered[0]) < total && drain.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        var results = new JsonObject
        {
            ["benchmark"] = "actors",
            ["command"] = "dotnet run -c Release --project tests/GuestChat.Benchmarks -- actors " + string.Join(' ', args),
            ["when"] = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            ["machine"] = new JsonObject { ["cores"] = Environment.ProcessorCount, ["os"] = RuntimeInformation.OSDescription, ["runtime"] = RuntimeInformation.FrameworkDescription },
            ["chats"] = chats,
            ["activeChats"] = Interlocked.Read(ref active[0]),
            ["setupSeconds"] = Math.Round(setupSeconds, 1),
            ["memoryPerChat"] = new JsonObject
            {
                ["managedBytes"] = (loaded.Managed - baseline.Managed) / chats,
                ["rssBytes"] = (loaded.Rss - baseline.Rss) / chats,
                ["threadsAdded"] = loaded.Threads - baseline.Threads,
            },
            ["agentMessages"] = new JsonObject
            {
                ["targetPerSecond"] = rate,
                ["achievedPerSecond"] = Math.Round(total / steadySeconds, 0),
                ["sent"] = total,
                ["delivered"] = Interlocked.Read(ref delivered[0]),
                ["latencyMsFromEmulatorTimestamp"] = JsonSerializer.SerializeToNode(latencies.Percentiles()),
            },
        };
        var text = results.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, text);
        Console.WriteLine(text);
        Console.WriteLine($"Results written to {output}");
        await system.Terminate();
        return 0;
    }

    private static (long Managed, long Rss, int Threads) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64, process.Threads.Count);
    }

    /// <summary>Counts active chats and times every agent message from its emulator timestamp.</summary>
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(LatencyRecorder latencies, long[] delivered, long[] active, long[] ended)
        {
            Receive<MessageReceived>(m =>
            {
                latencies.Record((DateTimeOffset.UtcNow - m.Timestamp).TotalMilliseconds);
                Interlocked.Increment(ref delivered[0]);
            });
            Receive<StateChanged>(s =>
            {
                if (s.State == ConversationState.Active)
                {
                    Interlocked.Increment(ref active[0]);
                }
            });
            Receive<Ended>(_ => Interlocked.Increment(ref ended[0]));
            ReceiveAny(_ => { });
        }
    }
}
