using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Akka.Actor;
using System.Text.Json;
using Akka.Hosting;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Actors.Persistence;
using GuestChat.Client;
using GuestChat.Client.Http;
using GuestChat.Client.Models;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GuestChat.Benchmarks.Persistence;

/// <summary>
/// What durable conversations cost and how fast they come back: opens N chats on a SQLite journal
/// against the emulator in its own process, sends messages (timing each send with the journal against
/// the same sends in memory), stops the service, measures the journal, starts the service again and
/// times until every chat is Active, and reports the memory per live chat after recovery.
/// </summary>
internal static class DurableBenchmark
{
    public const string Usage = """
        durable [--chats 1000] [--messages 3] [--memory-only false] [--out bench-results/durable-1000.json]

          Opens --chats conversations on a SQLite journal (emulator in its own process), sends --messages
          each, and reports send latency with the journal and without, facts written per second, the
          journal's size per chat, the time from a restart until every chat is Active again, and memory
          per live chat after recovery; first, the journal's own throughput: facts per second, and per
          second of CPU (per core), with 200 writers each writing a fact and waiting for it.
          --memory-only true: only what a live chat costs a journaling service (resident and managed memory
          per live chat, in a process that has done nothing else), to bench-results/durable-memory-N.json.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchmarkArguments.Parse(args, new() { ["--chats"] = "1000", ["--messages"] = "3", ["--memory-only"] = "false", ["--out"] = "" });
        var (chats, messages) = (options.Number("--chats"), options.Number("--messages"));
        var memoryOnly = bool.Parse(options["--memory-only"]);
        var output = options["--out"] is { Length: > 0 } path ? path : Path.Combine("bench-results", memoryOnly ? $"durable-memory-{chats}.json" : $"durable-{chats}.json");
        var folder = Path.Combine(Path.GetTempPath(), $"guestchat-durable-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var database = Path.Combine(folder, "guestchat.db");
        var journal = new JournalSettings { Provider = PersistenceProvider.Sqlite, ConnectionString = $"Data Source={database}", JwtKey = SecretProtector.NewKey() };
        await using var emulator = await BenchmarkArguments.StartEmulatorAsync();
        if (memoryOnly)
        {
            var memory = await MemoryPerLiveChatAsync(emulator, journal, chats, messages);
            Console.WriteLine(memory);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, memory);
            Directory.Delete(folder, recursive: true);
            return 0;
        }

        Console.WriteLine("Journal throughput (200 writers, 10 s)...");
        var throughput = await JournalThroughputAsync(new JournalSettings { Provider = PersistenceProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(folder, "throughput.db")}", JwtKey = journal.JwtKey }, writers: 200, TimeSpan.FromSeconds(10));
        Console.WriteLine($"Sends in memory ({chats} chats x {messages})...");
        var inMemory = await OpenAndSendAsync(emulator, new JournalSettings(), chats, messages, "memory");
        Console.WriteLine($"Sends on SQLite ({chats} chats x {messages})...");
        var durable = await OpenAndSendAsync(emulator, journal, chats, messages, "durable");

        long facts;
        await using (var connection = new SqliteConnection(journal.ConnectionString))
        {
            await connection.OpenAsync();
            await using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM journal";
            facts = (long)(await count.ExecuteScalarAsync())!;
        }

        SqliteConnection.ClearAllPools();
        var databaseBytes = new FileInfo(database).Length + (File.Exists(database + "-wal") ? new FileInfo(database + "-wal").Length : 0);
        Console.WriteLine($"Restarting on the journal ({databaseBytes / 1024.0:F0} KiB)...");
        // What a service on a journal costs with no chat at all (actor system, plugins, caches), so that
        // what is left over after the restart is the chats' own.
        var heapBaseline = Heap();
        long fixedCost;
        using (var empty = await StartAsync(emulator, journal with { ConnectionString = $"Data Source={Path.Combine(folder, "empty.db")}" }))
        {
            await empty.Services.GetRequiredService<GuestChatConversations>().ListAsync();
            fixedCost = Heap() - heapBaseline;
            await empty.StopAsync();
        }

        heapBaseline = Heap();
        var recovery = Stopwatch.StartNew();
        using var host = await StartAsync(emulator, journal);
        var conversations = host.Services.GetRequiredService<GuestChatConversations>();
        while (true)
        {
            var list = await conversations.ListAsync();
            if (list.Conversations.Count(c => c.Key.Value.StartsWith("durable-", StringComparison.Ordinal) && c.State == ConversationState.Active) >= chats)
            {
                break;
            }

            if (recovery.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"Only {list.Conversations.Count(c => c.State == ConversationState.Active)} of {chats} chats Active 5 minutes after the restart.");
            }

            await Task.Delay(100);
        }

        var recovered = recovery.Elapsed;
        var heapAfterRecovery = Heap();
        await host.StopAsync();

        var result = new
        {
            chats,
            messagesPerChat = messages,
            sendP50MsInMemory = inMemory.P50,
            sendP99MsInMemory = inMemory.P99,
            sendP50MsDurable = durable.P50,
            sendP99MsDurable = durable.P99,
            factsWritten = facts,
            factsPerSecondDuringTheRun = Math.Round(facts / durable.Seconds, 1),
            journalFactsPerSecond = throughput.PerSecond,
            journalFactsPerCpuSecond = throughput.PerCpuSecond,
            journalCpuCoresBusy = throughput.CoresBusy,
            openAndSendSecondsDurable = Math.Round(durable.Seconds, 2),
            openAndSendSecondsInMemory = Math.Round(inMemory.Seconds, 2),
            journalBytesPerChat = databaseBytes / chats,
            recoverySeconds = Math.Round(recovered.TotalSeconds, 2),
            serviceWithoutChatsHeapBytes = fixedCost,
            managedHeapPerLiveChatAfterRecoveryBytes = Math.Max(0, heapAfterRecovery - heapBaseline - Math.Max(0, fixedCost)) / chats,
        };
        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
        Console.WriteLine(json);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, json);
        Directory.Delete(folder, recursive: true);
        return 0;
    }

    /// <summary>
    /// What a live chat costs a service that journals (the service's wiring on SQLite) and nothing else
    /// in this process: resident and managed memory with no chat, then with every chat Active and its
    /// messages sent.
    /// </summary>
    private static async Task<string> MemoryPerLiveChatAsync(EmulatorProcess emulator, JournalSettings journal, int chats, int messages)
    {
        using var host = await StartAsync(emulator, journal);
        var conversations = host.Services.GetRequiredService<GuestChatConversations>();
        await conversations.ListAsync();
        var (heapBefore, rssBefore) = (Heap(), Resident());
        Console.WriteLine($"Opening {chats} chats on SQLite, {messages} messages each...");
        var keys = Enumerable.Range(0, chats).Select(i => new ConversationKey($"memory-{i}")).ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (key, _) =>
        {
            await conversations.StartAsync(key, BenchRequest());
            await BenchmarkArguments.WaitUntilAsync(async () => (await conversations.GetStatusAsync(key)).State == ConversationState.Active, TimeSpan.FromMinutes(5), $"{key} Active");
            for (var n = 0; n < messages; n++)
            {
                await conversations.SendMessageAsync(key, $"message {n}");
            }
        });
        var (heapAfter, rssAfter) = (Heap(), Resident());
        var live = (await conversations.ListAsync()).Conversations.Count(c => c.State == ConversationState.Active);
        var result = JsonSerializer.Serialize(new
        {
            benchmark = "durable --memory-only",
            chats,
            messagesPerChat = messages,
            liveChats = live,
            journal = "SQLite",
            gc = System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
            rssPerLiveChatBytes = Math.Max(0, rssAfter - rssBefore) / Math.Max(1, live),
            managedHeapPerLiveChatBytes = Math.Max(0, heapAfter - heapBefore) / Math.Max(1, live),
            rssBeforeBytes = rssBefore,
            rssAfterBytes = rssAfter,
        }, new JsonSerializerOptions { WriteIndented = true });
        await host.StopAsync();
        return result;
    }

    private static long Resident()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static CreateWebChatConversationRequest BenchRequest() => new()
    {
        OrganizationId = EmulatorDefaults.OrganizationId,
        DeploymentId = EmulatorDefaults.DeploymentId,
        RoutingTarget = new WebChatRoutingTarget { TargetType = RoutingTargetType.Queue, TargetAddress = BenchmarkArguments.QueueName },
        MemberInfo = new GuestMemberInfo { DisplayName = "Bench Guest" },
    };

    private static async Task<(double P50, double P99, double Seconds)> OpenAndSendAsync(EmulatorProcess emulator, JournalSettings journal, int chats, int messages, string prefix)
    {
        using var host = await StartAsync(emulator, journal);
        var conversations = host.Services.GetRequiredService<GuestChatConversations>();
        var keys = Enumerable.Range(0, chats).Select(i => new ConversationKey($"{prefix}-{i}")).ToList();
        var open = Stopwatch.StartNew();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (key, _) =>
            await conversations.StartAsync(key, BenchRequest()));
        while ((await conversations.ListAsync()).Conversations.Count(c => c.State == ConversationState.Active) < chats)
        {
            await Task.Delay(100);
        }

        var latencies = new List<double>();
        var sending = Stopwatch.StartNew();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (key, _) =>
        {
            for (var n = 0; n < messages; n++)
            {
                var sent = Stopwatch.GetTimestamp();
                await conversations.SendMessageAsync(key, $"message {n}");
                lock (latencies)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
            }
        });
        var seconds = open.Elapsed.TotalSeconds;

        // The service goes away without leaving its chats (as a killed process would): nothing is written on the way out.
        await host.StopAsync();
        latencies.Sort();

        return (Math.Round(latencies[latencies.Count / 2], 2), Math.Round(latencies[(int)(latencies.Count * 0.99)], 2), seconds);
    }

    /// <summary>The managed heap once what can be collected is, finalizers included.</summary>
    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>
    /// How many facts the journal takes per second, and per second of CPU the process spent on it (the
    /// figure per core): <paramref name="writers"/> persistent actors each write a message fact, wait for
    /// it, and write the next, as a conversation does, for <paramref name="duration"/>.
    /// </summary>
    private static async Task<(double PerSecond, double PerCpuSecond, double CoresBusy)> JournalThroughputAsync(JournalSettings journal, int writers, TimeSpan duration)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("throughput", akka => akka
            .ConfigureLoggers(loggers => loggers.LogLevel = Akka.Event.LogLevel.WarningLevel)
            .WithConversationPersistence(journal));
        using var host = builder.Build();
        await host.StartAsync();
        var system = host.Services.GetRequiredService<Akka.Actor.ActorSystem>();
        var written = new StrongBox<long>();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var actors = Enumerable.Range(0, writers).Select(i => system.ActorOf(Akka.Actor.Props.Create(() => new FactWriter($"throughput-{i}", written)))).ToList();
        actors.ForEach(a => a.Tell(FactWriter.Go.Instance));
        await Task.Delay(duration);
        var count = Interlocked.Read(ref written.Value);
        var elapsed = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        actors.ForEach(a => a.Tell(Akka.Actor.PoisonPill.Instance));
        await host.StopAsync();
        return (Math.Round(count / elapsed, 1), Math.Round(count / cpu, 1), Math.Round(cpu / elapsed, 2));
    }

    /// <summary>Writes a message fact, waits for it to be written, writes the next; counts them.</summary>
    private sealed class FactWriter(string persistenceId, StrongBox<long> written) : Akka.Persistence.UntypedPersistentActor
    {
        private static readonly DateTimeOffset At = DateTimeOffset.UtcNow;

        public override string PersistenceId { get; } = persistenceId;

        protected override void OnRecover(object message)
        {
        }

        protected override void OnCommand(object message)
        {
            if (message is Go)
            {
                Persist(new MessageSeen(Guid.NewGuid().ToString(), "agent-1", MemberRole.Agent, "A message of ordinary length, as an agent would write it.", BodyType.Standard, At), _ =>
                {
                    Interlocked.Increment(ref written.Value);
                    Self.Tell(Go.Instance);
                });
            }
        }

        public sealed class Go
        {
            public static Go Instance { get; } = new();
        }
    }

    private static async Task<IHost> StartAsync(EmulatorProcess emulator, JournalSettings journal)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddGuestChat(
            new GuestChatClientOptions { Environment = GuestChatEnvironment.FromBaseUrl(emulator.BaseUrl), RateLimit = new RateLimitOptions { RequestsPerSecond = 0 } },
            new ConversationSettings(),
            configureAkka: akka => akka.ConfigureLoggers(loggers => loggers.LogLevel = Akka.Event.LogLevel.WarningLevel),
            journal: journal);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
