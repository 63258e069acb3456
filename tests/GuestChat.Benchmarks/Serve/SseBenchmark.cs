using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
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
          journal costs. With the journal, it first times 400 syncs of a 4 KiB write on the disk the
          journal is written to, alone (diskSyncMsAlone): a commit waits for one, and the slowest
          differ from one machine to the next.
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
        // Before the service starts (the emulator is up but idle): what one sync of this machine's disk costs, alone.
        var diskSync = journaled ? DiskSyncProbe.Measure(data.Path) : null;
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
            var (emulatorCpuBefore, readerCpuBefore) = (emulator.CpuTime(), Environment.CpuUsage.TotalTime);

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
            var (emulatorCpu, readerCpu) = (emulator.CpuTime() - emulatorCpuBefore, Environment.CpuUsage.TotalTime - readerCpuBefore);
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

            var pacing = Pacing([.. receipts[0].Keys.Where(sent.ContainsKey).Select(id => sent[id])]);
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
                // How evenly the emulator sent them: a burst is served one message after another, and its last waits for the rest.
                ["emulatorPacing"] = pacing,
                ["p99MsBySecondOfReading"] = new JsonArray([.. bySecond.Values.Select(second => (JsonNode)Math.Round(Percentile(second, 0.99), 1))]),
                ["serveCpuCoresWhileSpeaking"] = Math.Round(cpu.TotalSeconds / steadySeconds, 2),
                ["serveCpuMsPerMessage"] = Math.Round(cpu.TotalMilliseconds / total, 3),
                ["serveCpuCoresInTheSecondHalf"] = Math.Round(secondHalfCores.TotalSeconds, 2),
                ["serveResidentMiB"] = Math.Round(resident / 1048576.0, 1),
                // The two processes that share the machine with it (on two cores, what they take the service waits for).
                ["emulatorCpuCoresWhileSpeaking"] = Math.Round(emulatorCpu.TotalSeconds / steadySeconds, 2),
                ["readerCpuCoresWhileSpeaking"] = Math.Round(readerCpu.TotalSeconds / steadySeconds, 2),
                ["serveGcWhileSpeaking"] = new JsonObject
                {
                    ["gen0"] = gcAfter.Gen0 - gcBefore.Gen0,
                    ["gen1"] = gcAfter.Gen1 - gcBefore.Gen1,
                    ["gen2"] = gcAfter.Gen2 - gcBefore.Gen2,
                    ["pauseMs"] = Math.Round((gcAfter.PauseSeconds - gcBefore.PauseSeconds) * 1000, 1),
                },
                // The reader (this process) collects too, and a message that comes while it does waits.
                ["readerGcWhileSpeaking"] = new JsonObject { ["collections"] = readerCollections, ["pauseMs"] = Math.Round(readerPause.TotalMilliseconds, 1) },
                ["diskSyncMsAlone"] = diskSync,
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

    /// <summary>How evenly messages left the emulator: the most that left within one millisecond, and the gaps between one and the next.</summary>
    private static JsonObject Pacing(List<DateTimeOffset> sent)
    {
        sent.Sort();
        var (largest, from) = (0, 0);
        var gaps = new List<double>(sent.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            while (sent[i] - sent[from] >= TimeSpan.FromMilliseconds(1))
            {
                from++;
            }

            largest = Math.Max(largest, i - from + 1);
            if (i > 0)
            {
                gaps.Add((sent[i] - sent[i - 1]).TotalMilliseconds);
            }
        }

        return gaps.Count == 0 ? [] : new JsonObject
        {
            ["mostWithinOneMs"] = largest,
            ["gapMsP50"] = Math.Round(Percentile(gaps, 0.50), 2),
            ["gapMsP99"] = Math.Round(Percentile(gaps, 0.99), 2),
            ["gapMsMax"] = Math.Round(gaps.Max(), 1),
        };
    }

    private static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(fraction * sorted.Count))];
    }

    /// <summary>
    /// Reads <c>GET /events</c>, times every agent message event from its timestamp, and notes when each arrived (to time it from
    /// its frame leaving the emulator). Read as bytes, with no string per line or JSON tree per event: this process collects
    /// less often, and a message that arrives while it collects is timed late by the benchmark, not by the service.
    /// </summary>
    private static async Task ReadEventsAsync(HttpClient http, LatencyRecorder[] latencies, Dictionary<string, DateTimeOffset>[] receipts, long[] delivered, SortedDictionary<long, List<double>> bySecond, TaskCompletionSource connected, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            var events = PipeReader.Create(await response.Content.ReadAsStreamAsync(cancellationToken), new StreamPipeReaderOptions(bufferSize: 64 * 1024));
            var inMessage = false;
            while (true)
            {
                var result = await events.ReadAsync(cancellationToken);
                // Every event in these bytes had arrived by now.
                var read = DateTimeOffset.UtcNow;
                var lines = new SequenceReader<byte>(result.Buffer);
                while (lines.TryReadTo(out ReadOnlySpan<byte> line, (byte)'\n'))
                {
                    if (line.StartsWith(": connected"u8))
                    {
                        // The service has taken its place in the journal: what is written from now on comes to this reader.
                        connected.TrySetResult();
                    }
                    else if (line.StartsWith("event: "u8))
                    {
                        inMessage = line["event: ".Length..].SequenceEqual("message"u8);
                    }
                    else if (inMessage && line.StartsWith("data: "u8) && AgentMessage(line["data: ".Length..]) is ({ } messageId, var timestamp))
                    {
                        var latency = (read - timestamp).TotalMilliseconds;
                        Volatile.Read(ref latencies[0]).Record(latency);
                        Volatile.Read(ref receipts[0])[messageId] = read;
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

                events.AdvanceTo(lines.Position, result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Done reading.
        }
    }

    /// <summary>A message event's id and timestamp when an agent sent it; nulls for anyone else's.</summary>
    private static (string? MessageId, DateTimeOffset Timestamp) AgentMessage(ReadOnlySpan<byte> data)
    {
        var json = new Utf8JsonReader(data);
        var (messageId, timestamp, agent) = ((string?)null, default(DateTimeOffset), false);
        while (json.Read())
        {
            if (json.TokenType != JsonTokenType.PropertyName || json.CurrentDepth != 1)
            {
                continue;
            }

            if (json.ValueTextEquals("messageId"u8) && json.Read())
            {
                messageId = json.GetString();
            }
            else if (json.ValueTextEquals("timestamp"u8) && json.Read())
            {
                timestamp = json.GetDateTimeOffset();
            }
            else if (json.ValueTextEquals("sender"u8) && json.Read() && json.TokenType == JsonTokenType.StartObject)
            {
                while (json.Read() && json.CurrentDepth > 1)
                {
                    if (json.TokenType == JsonTokenType.PropertyName && json.CurrentDepth == 2 && json.ValueTextEquals("role"u8) && json.Read())
                    {
                        agent = json.ValueTextEquals("AGENT"u8) || json.ValueTextEquals("Agent"u8);
                    }
                }
            }
        }

        return agent ? (messageId, timestamp) : (null, default);
    }
}
