using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GuestChat.Testing;

namespace GuestChat.Benchmarks.Cluster;

/// <summary>
/// A cluster of three real <c>serve</c> processes on this machine (each with its own open-file budget),
/// sharing a throw-away PostgreSQL, started by <c>scripts/cluster.sh</c>, the emulator in a process of its
/// own. Opens chats through the three nodes in turn until every one is Active: how many each node holds,
/// and what each costs it (resident memory, open files). Then times the same request sent to the node
/// that holds the chat and to one that does not: the latency a command routed through another node adds.
/// </summary>
internal static class ClusterBenchmark
{
    public const string Usage = """
        cluster [--chats 3000] [--ramp 100] [--samples 300] [--out bench-results/cluster-3000.json]

          Starts PostgreSQL and three nodes with scripts/cluster.sh (from this build), opens --chats chats
          through the nodes in turn, --ramp at a time, and waits until every one is Active; reports chats,
          resident memory and open files per node. Then, for --samples chats, sends the same request to the
          chat's own node and to another (a read of the chat, and a message Genesys accepts): p50/p95/p99 each
          way, and the difference, which is what routing through another node adds.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchmarkArguments.Parse(args, new() { ["--chats"] = "3000", ["--ramp"] = "100", ["--samples"] = "300", ["--out"] = "" });
        var (chats, ramp, samples) = (options.Number("--chats"), options.Number("--ramp"), options.Number("--samples"));
        var output = options["--out"] is { Length: > 0 } path ? path : Path.Combine("bench-results", $"cluster-{chats}.json");

        Console.WriteLine("Starting the emulator, PostgreSQL and three nodes...");
        await using var emulator = await BenchmarkArguments.StartEmulatorAsync();
        await using var cluster = await LocalCluster.StartAsync(emulator.BaseUrl, nodes: 3,
            nodeArguments: $"--Target:Queue=\"{BenchmarkArguments.QueueName}\" --Target:RequestsPerSecond=5000 --Conversations:MaxConversations=20000");
        var http = Enumerable.Range(1, 3).Select(cluster.Client).ToArray();
        var baseline = Enumerable.Range(1, 3).Select(n => NodeUsage.Of(cluster.ProcessOf(n))).ToArray();

        Console.WriteLine($"Opening {chats} chats through the three nodes, {ramp} at a time...");
        var keys = Enumerable.Range(0, chats).Select(i => $"cluster-bench-{i}").ToList();
        var opening = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(ramp))
        {
            await Task.WhenAll(keys.Select(async (key, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    using var created = await http[i % 3].PostAsync("/chats", Json(new JsonObject { ["key"] = key, ["memberInfo"] = new JsonObject { ["displayName"] = "Cluster Bench" } }.ToJsonString()));
                    if (!created.IsSuccessStatusCode)
                    {
                        throw new InvalidOperationException($"{key}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
                    }
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        await BenchmarkArguments.WaitUntilAsync(async () => (await http[0].GetFromJsonAsync<JsonObject>("/chats?state=active"))!["chats"]!.AsArray().Count >= chats, TimeSpan.FromMinutes(10), "every chat Active");
        var allActive = opening.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(5));
        GC.Collect();

        var nodes = new List<object>();
        for (var n = 1; n <= 3; n++)
        {
            var here = await cluster.ChatsOnAsync(n);
            var usage = NodeUsage.Of(cluster.ProcessOf(n));
            nodes.Add(new
            {
                node = n,
                chats = here,
                rssMiB = usage.RssMiB,
                openFiles = usage.OpenFiles,
                rssKiBPerChat = here == 0 ? 0 : Math.Round((usage.RssMiB - baseline[n - 1].RssMiB) * 1024 / here, 1),
                openFilesPerChat = here == 0 ? 0 : Math.Round((double)(usage.OpenFiles - baseline[n - 1].OpenFiles) / here, 2),
            });
            Console.WriteLine($"node {n}: {here} chats, {usage.RssMiB:F0} MiB resident ({baseline[n - 1].RssMiB:F0} before), {usage.OpenFiles} open files ({baseline[n - 1].OpenFiles} before)");
        }

        // Which node holds which chat, from the chats themselves.
        var nodeByAddress = Enumerable.Range(1, 3).ToDictionary(n => $"akka.tcp://guestchat@127.0.0.1:{cluster.RemotingPortOf(n)}", n => n);
        var sampled = keys.Take(samples).ToList();
        var homes = new Dictionary<string, int>();
        foreach (var key in sampled)
        {
            homes[key] = nodeByAddress[(await http[0].GetFromJsonAsync<JsonObject>($"/chats/{key}"))!["node"]!.GetValue<string>()];
        }

        Console.WriteLine($"Timing {samples} reads and {samples} sends each way...");
        var readsHome = new List<double>();
        var readsAway = new List<double>();
        var sendsHome = new List<double>();
        var sendsAway = new List<double>();
        for (var round = 0; round < 2; round++)
        {
            // The first round warms every path up; the second is measured.
            var measured = round == 1;
            foreach (var key in sampled)
            {
                var home = http[homes[key] - 1];
                var away = http[homes[key] % 3];
                Record(measured ? readsHome : null, await TimeAsync(() => home.GetAsync($"/chats/{key}")));
                Record(measured ? readsAway : null, await TimeAsync(() => away.GetAsync($"/chats/{key}")));
                Record(measured ? sendsHome : null, await TimeAsync(() => home.PostAsync($"/chats/{key}/messages", Json("""{"body":"home"}"""))));
                Record(measured ? sendsAway : null, await TimeAsync(() => away.PostAsync($"/chats/{key}/messages", Json("""{"body":"away"}"""))));
            }
        }

        var result = new
        {
            benchmark = "cluster",
            command = $"dotnet run -c Release --project tests/GuestChat.Benchmarks -- cluster --chats {chats} --ramp {ramp} --samples {samples}",
            machine = new { Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            chats,
            secondsUntilAllActive = Math.Round(allActive.TotalSeconds, 1),
            nodes,
            readMs = new { home = Percentiles(readsHome), away = Percentiles(readsAway), addedP50 = Math.Round(Percentile(readsAway, 50) - Percentile(readsHome, 50), 2) },
            sendMs = new { home = Percentiles(sendsHome), away = Percentiles(sendsAway), addedP50 = Math.Round(Percentile(sendsAway, 50) - Percentile(sendsHome, 50), 2) },
        };
        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, json);
        Console.WriteLine(json);
        Console.WriteLine($"Written to {output}");
        return 0;
    }

    private static void Record(List<double>? into, double milliseconds) => into?.Add(milliseconds);

    private static async Task<double> TimeAsync(Func<Task<HttpResponseMessage>> request)
    {
        var started = Stopwatch.GetTimestamp();
        using var answer = await request();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{answer.RequestMessage?.RequestUri}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        }

        return elapsed;
    }

    private static object Percentiles(List<double> values) => new { p50 = Math.Round(Percentile(values, 50), 2), p95 = Math.Round(Percentile(values, 95), 2), p99 = Math.Round(Percentile(values, 99), 2) };

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>A process's resident memory and open files, from /proc.</summary>
    private sealed record NodeUsage(double RssMiB, int OpenFiles)
    {
        public static NodeUsage Of(int pid)
        {
            var rssKiB = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return new NodeUsage(double.Parse(rssKiB, CultureInfo.InvariantCulture) / 1024, Directory.GetFiles($"/proc/{pid}/fd").Length);
        }
    }
}
