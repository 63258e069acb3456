using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GuestChat.Benchmarks.EmulatorCapacity;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;
using GuestChat.Host.Serve;
using GuestChat.Testing;

namespace GuestChat.Benchmarks.Serve;

/// <summary>
/// How long an agent's message takes from the emulator to a reader of the service's server-sent events,
/// and what the service spends on it: the real <c>serve</c> executable in its own process (journaling to
/// SQLite, its defaults otherwise) against the emulator in its own process, chats opened over its HTTP
/// API, one reader on <c>GET /events</c>, and the agents speaking at a steady rate, paced by the emulator
/// itself (one control request, no load generator beside the processes measured); each message timed
/// from its emulator timestamp to the moment its event was read, and the service process's CPU time and
/// memory read from outside.
/// </summary>
internal static class SseBenchmark
{
    public const string Usage = """
        sse [--chats 1000] [--rate 1000] [--warmup 10] [--seconds 20] [--journal sqlite|none] [--out bench-results/sse-1000.json]

          Starts `serve` (SQLite journal) and the emulator, each in its own process, opens --chats chats
          through POST /chats, reads GET /events, then has the agents send --rate messages per second:
          first for --warmup seconds (the service compiles its message path under that load; reported
          apart), then for --seconds, and reports the latency from each message's emulator timestamp to
          its event at the reader (p50/p90/p99/max, milliseconds; the wire timestamps have millisecond
          precision), the same from its frame leaving the emulator (written whole to the service's
          socket; the emulator's own pauses before that are left out), and the serve process's CPU
          (cores, and milliseconds per message) and memory while they speak.
          --journal none runs serve without a journal (nothing survives a restart), to show what the
          journal costs.
        """;

    private const string ApiKey = "sse-benchmark-key-0123456789";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchmarkArguments.Parse(args, new() { ["--chats"] = "1000", ["--rate"] = "1000", ["--warmup"] = "10", ["--seconds"] = "20", ["--journal"] = "sqlite", ["--out"] = "" });
        var journaled = options["--journal"] switch
        {
            "sqlite" => true,
            "none" => false,
            var other => throw new ArgumentException($"--journal is sqlite or none, not {other}"),
        };
        var (chats, rate, seconds) = (options.Number("--chats"), options.Number("--rate"), options.Number("--seconds"));
        var output = options["--out"] is { Length: > 0 } path ? path : Path.Combine("bench-results", journaled ? $"sse-{chats}.json" : $"sse-{chats}-no-journal.json");
        // The emulator keeps when each message's frame left it, so a message is timed from that too.
        await using var emulator = await BenchmarkArguments.StartEmulatorAsync("--Emulator:RecordSendTimes=true");
        using var data = new TempFolder("guestchat-sse-bench");
        await using var serve = await ServeProcess.StartAsync(
            $"--target {emulator.BaseUrl} --Target:OrganizationId={EmulatorDefaults.OrganizationId} --Target:DeploymentId={EmulatorDefaults.DeploymentId} --Target:Queue=\"{BenchmarkArguments.QueueName}\" --Target:RequestsPerSecond=5000 --Serilog:MinimumLevel:Default=Warning",
            new Dictionary<string, string>
            {
                ["GUESTCHAT_Service__ApiKey"] = ApiKey,
                ["GUESTCHAT_Persistence__Provider"] = journaled ? "Sqlite" : "None",
                ["GUESTCHAT_Persistence__ConnectionString"] = data.SqliteConnectionString(),
                ["GUESTCHAT_Persistence__JwtKey"] = GuestChat.Actors.Persistence.SecretProtector.NewKey(),
            },
            TimeSpan.FromSeconds(60));
        {
            using var http = new HttpClient { BaseAddress = serve.BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
            http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
            using var control = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = Timeout.InfiniteTimeSpan };

            Console.WriteLine($"Opening {chats} chats through POST /chats...");
            var ids = new string[chats];
            await Parallel.ForEachAsync(Enumerable.Range(0, chats), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
            {
                using var created = await http.PostAsJsonAsync("/chats", new { key = $"sse-{i}", memberInfo = new { displayName = "SSE Bench" } }, token);
                created.EnsureSuccessStatusCode();
                ids[i] = (await created.Content.ReadFromJsonAsync<JsonObject>(token))!["conversationId"]!.GetValue<string>();
            });
            await BenchmarkArguments.WaitUntilAsync(async () => (await http.GetFromJsonAsync<JsonObject>("/chats?state=active"))!["chats"]!.AsArray().Count >= chats, TimeSpan.FromMinutes(5), "every chat active");

            var latencies = new[] { new LatencyRecorder(16) };
            var receipts = new[] { new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal) };
            var delivered = new long[1];
            var bySecond = new SortedDictionary<long, List<double>>();
            using var reading = new CancellationTokenSource();
            var live = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var reader = ReadEventsAsync(http, latencies, receipts, delivered, bySecond, live, reading.Token);
            await live.Task.WaitAsync(TimeSpan.FromSeconds(60));

            // How long a reader that has just connected waits for its first message, then the steady state.
            var connected = Stopwatch.StartNew();
            (await control.PostAsJsonAsync($"/emulator/conversations/{ids[0]}/agent/messages", new { body = "first" })).EnsureSuccessStatusCode();
            await BenchmarkArguments.WaitUntilAsync(() => Task.FromResult(Interlocked.Read(ref delivered[0]) >= 1), TimeSpan.FromSeconds(60), "the first message at the reader");
            var firstMessageMs = connected.Elapsed.TotalMilliseconds;

            // The first seconds after a start are the JIT's: the same load, measured apart.
            var warmUp = options.Number("--warmup");
            JsonNode? warmUpLatency = null;
            if (warmUp > 0)
            {
                Console.WriteLine($"Warming up: agents speak {rate} messages/s for {warmUp} s (reported apart)...");
                Volatile.Write(ref latencies[0], new LatencyRecorder(rate * warmUp * 2));
                Interlocked.Exchange(ref delivered[0], 0);
                await BenchmarkArguments.AgentsSpeakAsync(control, ids, rate, warmUp);
                await BenchmarkArguments.WaitUntilAsync(() => Task.FromResult(Interlocked.Read(ref delivered[0]) >= rate * warmUp), TimeSpan.FromSeconds(30), "every warm-up message at the reader");
                warmUpLatency = JsonSerializer.SerializeToNode(latencies[0].Percentiles());
            }

            Volatile.Write(ref latencies[0], new LatencyRecorder(rate * seconds * 2));
            Volatile.Write(ref receipts[0], new Dictionary<string, DateTimeOffset>(rate * seconds, StringComparer.Ordinal));
            Interlocked.Exchange(ref delivered[0], 0);

            Console.WriteLine($"Agents speak {rate} messages/s for {seconds} s...");
            lock (bySecond)
            {
                bySecond.Clear();
            }

            var total = rate * seconds;
            var gcBefore = await GcAsync(http);
            var (readerCollectionsBefore, readerPauseBefore) = (GC.CollectionCount(0), GC.GetTotalPauseDuration());
            var cpuBefore = serve.CpuTime;

            // The second half alone as well: the first seconds of a freshly started service include compiling its code.
            var secondHalf = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(seconds / 2.0));
                var (at, cpu) = (Stopwatch.GetTimestamp(), serve.CpuTime);
                await Task.Delay(TimeSpan.FromSeconds(seconds / 2.0));
                return (serve.CpuTime - cpu) / Stopwatch.GetElapsedTime(at).TotalSeconds;
            });
            var speaking = await BenchmarkArguments.AgentsSpeakAsync(control, ids, rate, seconds);
            var secondHalfCores = await secondHalf;
            var steadySeconds = speaking.TotalSeconds;
            await BenchmarkArguments.WaitUntilAsync(() => Task.FromResult(Interlocked.Read(ref delivered[0]) >= total), TimeSpan.FromSeconds(30), "every message at the reader");
            var cpu = serve.CpuTime - cpuBefore;
            var resident = serve.ResidentBytes;
            var gcAfter = await GcAsync(http);
            var (readerCollections, readerPause) = (GC.CollectionCount(0) - readerCollectionsBefore, GC.GetTotalPauseDuration() - readerPauseBefore);
            await reading.CancelAsync();
            await reader;

            var (rows, gaps) = journaled ? await OrderingGapsAsync(data.SqliteConnectionString()) : (0, 0);

            // The same messages timed from their frame leaving the emulator (each chat has one socket, the service's).
            var sent = (await control.GetFromJsonAsync<List<JsonObject>>("/emulator/sent"))!
                .GroupBy(frame => frame["messageId"]!.GetValue<string>(), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => DateTimeOffset.UnixEpoch.AddTicks(g.First()["sentAtUnixMicroseconds"]!.GetValue<long>() * 10), StringComparer.Ordinal);
            var fromLeaving = new LatencyRecorder(receipts[0].Count);
            foreach (var (messageId, read) in receipts[0])
            {
                if (sent.TryGetValue(messageId, out var sentAt))
                {
                    fromLeaving.Record((read - sentAt).TotalMilliseconds);
                }
            }

            var results = new JsonObject
            {
                ["benchmark"] = "sse",
                ["command"] = "dotnet run -c Release --project tests/GuestChat.Benchmarks -- sse " + string.Join(' ', args),
                ["when"] = DateTimeOffset.UtcNow.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
                ["chats"] = chats,
                ["journal"] = journaled ? "SQLite" : "none",
                ["targetPerSecond"] = rate,
                ["achievedPerSecond"] = Math.Round(total / steadySeconds, 0),
                ["sent"] = total,
                ["delivered"] = Interlocked.Read(ref delivered[0]),
                ["firstMessageAfterConnectingMs"] = Math.Round(firstMessageMs, 1),
                ["warmUpSeconds"] = warmUp,
                ["warmUpLatencyMs"] = warmUpLatency,
                ["latencyMsFromEmulatorTimestampToSseReader"] = JsonSerializer.SerializeToNode(latencies[0].Percentiles()),
                ["latencyMsFromFrameLeavingEmulatorToSseReader"] = JsonSerializer.SerializeToNode(fromLeaving.Percentiles()),
                ["p99MsBySecondOfReading"] = new JsonArray([.. bySecond.Values.Select(second => (JsonNode)Math.Round(Percentile(second, 0.99), 1))]),
                ["serveCpuCoresWhileSpeaking"] = Math.Round(cpu.TotalSeconds / steadySeconds, 2),
                ["serveCpuMsPerMessage"] = Math.Round(cpu.TotalMilliseconds / total, 3),
                ["serveCpuCoresInTheSecondHalf"] = Math.Round(secondHalfCores.TotalSeconds, 2),
                ["serveResidentMiB"] = Math.Round(resident / 1048576.0, 1),
                ["serveGcWhileSpeaking"] = new JsonObject
                {
                    ["gen0"] = gcAfter.Gen0 - gcBefore.Gen0,
                    ["gen1"] = gcAfter.Gen1 - gcBefore.Gen1,
                    ["gen2"] = gcAfter.Gen2 - gcBefore.Gen2,
                    ["pauseMs"] = Math.Round((gcAfter.PauseSeconds - gcBefore.PauseSeconds) * 1000, 1),
                },
                // The reader (this process) collects too, and a message that comes while it does waits.
                ["readerGcWhileSpeaking"] = new JsonObject { ["collections"] = readerCollections, ["pauseMs"] = Math.Round(readerPause.TotalMilliseconds, 1) },
                ["journalRows"] = rows,
                ["journalOrderingGaps"] = gaps,
            };
            var text = results.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, text);
            Console.WriteLine(text);
            Console.WriteLine($"Results written to {output}");
            return 0;
        }
    }

    /// <summary>The service's garbage collections so far and the time they held its threads, from its <c>/metrics</c>.</summary>
    private static async Task<(long Gen0, long Gen1, long Gen2, double PauseSeconds)> GcAsync(HttpClient http)
    {
        var lines = (await http.GetStringAsync("/metrics")).Split('\n');
        double Value(string name) => lines.Where(line => line.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(line => double.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)).Single();
        return ((long)Value("dotnet_collection_count_total{generation=\"0\"}"), (long)Value("dotnet_collection_count_total{generation=\"1\"}"),
            (long)Value("dotnet_collection_count_total{generation=\"2\"}"), Value("dotnet_gc_pause_seconds_total"));
    }

    /// <summary>The journal's rows, and how many numbers between its first and last ordering have no row (each one a wait for a reader that follows it by tag).</summary>
    private static async Task<(long Rows, long Gaps)> OrderingGapsAsync(string connectionString)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*), COALESCE(MAX(ordering) - MIN(ordering) + 1, 0) FROM journal";
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1) - reader.GetInt64(0));
    }

    private static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(fraction * sorted.Count))];
    }

    /// <summary>Reads <c>GET /events</c>, times every agent message event from its timestamp, and notes when each arrived (to time it from its frame leaving the emulator).</summary>
    private static async Task ReadEventsAsync(HttpClient http, LatencyRecorder[] latencies, Dictionary<string, DateTimeOffset>[] receipts, long[] delivered, SortedDictionary<long, List<double>> bySecond, TaskCompletionSource connected, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            using var stream = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            var name = "";
            while (await stream.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith(": connected", StringComparison.Ordinal))
                {
                    // The service has taken its place in the journal: what is written from now on comes to this reader.
                    connected.TrySetResult();
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (name == "message" && line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var read = DateTimeOffset.UtcNow;
                    var message = JsonNode.Parse(line["data: ".Length..])!;
                    if (message["sender"]?["role"]?.GetValue<string>() is "AGENT" or "Agent")
                    {
                        var latency = (read - message["timestamp"]!.GetValue<DateTimeOffset>()).TotalMilliseconds;
                        Volatile.Read(ref latencies[0]).Record(latency);
                        Volatile.Read(ref receipts[0])[message["messageId"]!.GetValue<string>()] = read;
                        lock (bySecond)
                        {
                            var second = read.ToUnixTimeSeconds();
                            if (!bySecond.TryGetValue(second, out var list))
                            {
                                bySecond[second] = list = [];
                            }

                            list.Add(latency);
                        }

                        Interlocked.Increment(ref delivered[0]);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Done reading.
        }
    }
}
