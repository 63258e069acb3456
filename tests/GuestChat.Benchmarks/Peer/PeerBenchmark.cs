using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GuestChat.Emulator;
using GuestChat.Testing;

namespace GuestChat.Benchmarks.Peer;

/// <summary>
/// The service against the tool a user would pick instead: the official JavaScript client with
/// <c>ws</c> in Node (Peer/node/peer.mjs), both driving the same scenario file against the same
/// emulator in its own process, one after the other and alternating who goes first, each process
/// timed from outside with <c>/usr/bin/time -v</c>. Writes one table of CPU per message, memory per
/// live chat, wall time, latency, lost and duplicated, with the ratio.
/// </summary>
internal static partial class PeerBenchmark
{
    public const string Usage = """
        peer [--chats 1000] [--messages 10] [--scenario default] [--ramp 100] [--rounds 2] [--split false] [--out bench-results/peer-1000x10]

          Starts the emulator in its own process (agents answer in about 0.1 s), then runs the Node peer
          (purecloud-guest-chat-client 13.2.0 + ws) and `run --target <the emulator>` with the same
          scenario, --rounds times each, alternating which goes first. Needs Node.js 20, npm and
          /usr/bin/time (Debian package `time`). Writes <out>.json (every run) and <out>.md (the table).

          When every chat of a run is open at once (a held scenario such as `steady`), the table also
          has each side's CPU per message in a window while all are held: no start, ramp or chat end.

          --split true also runs chats/2, chats and chats*2 chats of one message each, and splits each
          side's CPU into a cost per chat (the slope from chats/2 to chats*2), per message (chats x
          messages against chats x 1) and what is left (the start and the warm-up): <out>-split.md.
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(30);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchmarkArguments.Parse(args, new()
        {
            ["--chats"] = "1000", ["--messages"] = "10", ["--scenario"] = "default", ["--ramp"] = "100", ["--rounds"] = "2", ["--split"] = "false", ["--out"] = "",
        });
        var split = bool.Parse(options["--split"]);
        if (split && options.Number("--messages") < 2)
        {
            throw new ArgumentException("--split true needs --messages 2 or more: the cost of a message is what the further ones add.");
        }

        var (chats, messages, ramp, rounds) = (options.Number("--chats"), options.Number("--messages"), options.Number("--ramp"), options.Number("--rounds"));
        var output = options["--out"] is { Length: > 0 } path ? path : Path.Combine("bench-results", $"peer-{chats}x{messages}");
        var root = Processes.RepositoryRoot();
        var scenario = File.Exists(options["--scenario"]) ? Path.GetFullPath(options["--scenario"]) : Path.Combine(root, "config", "scenarios", options["--scenario"] + ".json");
        if (!File.Exists(scenario))
        {
            throw new ArgumentException($"No scenario {options["--scenario"]} (a path, or a name in config/scenarios).");
        }

        if (!File.Exists("/usr/bin/time"))
        {
            throw new ArgumentException("/usr/bin/time is missing: apt-get install time");
        }

        var peerFolder = Path.Combine(root, "tests", "GuestChat.Benchmarks", "Peer", "node");
        var installed = await Processes.InstallNodePackagesAsync(peerFolder, TimeSpan.FromMinutes(5));
        if (installed is { ExitCode: not 0 })
        {
            throw new InvalidOperationException("npm ci failed:\n" + installed.Output);
        }

        await using var emulator = await EmulatorProcess.StartAsync(
        [
            "--Emulator:Timing:AgentAlertDelay=00:00:00.2",
            "--Emulator:Timing:AgentAnswerDelay=00:00:00.2",
            "--Emulator:Timing:GraceWindow=00:10:00",
            "--Emulator:Queues:0:Name=Chat Queue",
            "--Emulator:Queues:0:Agent:ThinkTime=00:00:00.05",
            "--Emulator:Queues:0:Agent:TypingTime=00:00:00.05",
        ], TimeSpan.FromSeconds(60));
        var target = emulator.BaseUrl.ToString().TrimEnd('/');
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };

        async Task<List<Measured>> RoundsAsync(int chatCount, int messageCount)
        {
            var common = $"--target {target} --scenario {scenario} --chats {chatCount} --messages {messageCount} --ramp {ramp}";
            var contenders = new Dictionary<string, (string File, string Arguments, string Folder)>
            {
                ["service"] = (Path.Combine(AppContext.BaseDirectory, "GuestChat.Host"), $"run {common} --json", root),
                ["node-peer"] = ("node", $"peer.mjs {common}", peerFolder),
            };
            var measured = new List<Measured>();
            for (var round = 1; round <= rounds; round++)
            {
                var order = round % 2 == 1 ? new[] { "node-peer", "service" } : ["service", "node-peer"];
                foreach (var name in order)
                {
                    var (file, arguments, folder) = contenders[name];
                    Console.WriteLine($"{chatCount} x {messageCount}, round {round}: {name} ...");
                    var run = await MeasureAsync(name, round, file, arguments, folder, new HeldWindow(control, chatCount));
                    Console.WriteLine($"  {run.Summary()}");
                    measured.Add(run);
                }
            }

            return measured;
        }

        var results = await RoundsAsync(chats, messages);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        if (split)
        {
            var (few, one, many) = (await RoundsAsync(chats / 2, 1), await RoundsAsync(chats, 1), await RoundsAsync(chats * 2, 1));
            var splitTable = SplitTable(chats, messages, rounds, scenario, few, one, many, results);
            await File.WriteAllTextAsync(output + "-split.md", splitTable);
            await File.WriteAllTextAsync(output + "-split.json", JsonSerializer.Serialize(new
            {
                chats, messages, ramp, rounds, scenario = Path.GetFileName(scenario), machine = $"{Environment.ProcessorCount} cores",
                runs = few.Concat(one).Concat(many).Concat(results),
            }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
            Console.WriteLine(splitTable);
        }

        var table = Table(results, chats, messages, scenario, rounds);
        await File.WriteAllTextAsync(output + ".md", table);
        await File.WriteAllTextAsync(output + ".json", JsonSerializer.Serialize(new
        {
            chats, messages, ramp, rounds, scenario = Path.GetFileName(scenario), machine = $"{Environment.ProcessorCount} cores",
            runs = results,
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        Console.WriteLine(table);
        Console.WriteLine($"Wrote {output}.md and {output}.json");
        return 0;
    }

    private static async Task<Measured> MeasureAsync(string name, int round, string file, string arguments, string folder, HeldWindow window)
    {
        var launcher = 0;
        using var exited = new CancellationTokenSource();
        var held = window.MeasureAsync(() => Volatile.Read(ref launcher), exited.Token);
        Processes.Finished finished;
        try
        {
            finished = await Processes.RunAsync("/usr/bin/time", $"-v {file} {arguments}", Patience, folder, started: p => Volatile.Write(ref launcher, p.Id));
        }
        finally
        {
            await exited.CancelAsync();
        }

        var report = finished.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        if (finished.ExitCode != 0 || report is null)
        {
            throw new InvalidOperationException($"{name} failed (exit {finished.ExitCode}):\n{finished.Output[^Math.Min(4000, finished.Output.Length)..]}");
        }

        var json = JsonNode.Parse(report)!;
        double Time(string label) => double.Parse(TimeLine(finished.Stderr, label), CultureInfo.InvariantCulture);
        var sent = json["messagesSent"]!.GetValue<long>();
        var received = json["messagesReceived"]!.GetValue<long>();
        var cpu = Time("User time (seconds)") + Time("System time (seconds)");
        var peak = (long)Time("Maximum resident set size (kbytes)") * 1024;
        var live = Math.Max(1, json["peakActiveChats"]!.GetValue<long>());
        return new Measured
        {
            Name = name,
            Round = round,
            CpuSeconds = Math.Round(cpu, 2),
            UserSeconds = Time("User time (seconds)"),
            SystemSeconds = Time("System time (seconds)"),
            CpuMsPerMessage = Math.Round(cpu * 1000 / Math.Max(1, sent + received), 4),
            PeakRssBytes = peak,
            BaselineRssBytes = json["baselineMemoryBytes"]!.GetValue<long>(),
            PeakLiveChats = live,
            BytesPerLiveChat = Math.Max(0, peak - json["baselineMemoryBytes"]!.GetValue<long>()) / live,
            WallSeconds = json["wallSeconds"]!.GetValue<double>(),
            ChatsOk = json["chatsOk"]!.GetValue<long>(),
            Sent = sent,
            Received = received,
            Lost = json["lost"]?.GetValue<long>(),
            Duplicated = json["duplicated"]?.GetValue<long>(),
            ReplyP50Ms = json["latencyP50Ms"]!.GetValue<double>(),
            ReplyP99Ms = json["latencyP99Ms"]!.GetValue<double>(),
            VoluntaryContextSwitches = (long)Time("Voluntary context switches"),
            InvoluntaryContextSwitches = (long)Time("Involuntary context switches"),
            Held = await held,
        };
    }

    private static string TimeLine(string text, string label) =>
        TimeField().Matches(text).FirstOrDefault(m => m.Groups[1].Value == label)?.Groups[2].Value
        ?? throw new InvalidOperationException($"/usr/bin/time did not report {label}");

    [GeneratedRegex(@"^\s*(.+?):\s+([0-9.]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex TimeField();

    private static string Table(List<Measured> results, int chats, int messages, string scenario, int rounds)
    {
        var ci = CultureInfo.InvariantCulture;
        var service = Median(results.Where(r => r.Name == "service").ToList());
        var peer = Median(results.Where(r => r.Name == "node-peer").ToList());
        var text = new StringBuilder();
        text.AppendLine(ci, $"# The service against the official client: {chats} chats x {messages} messages ({Path.GetFileName(scenario)}, {Environment.ProcessorCount} cores, the median run of {rounds} by CPU per message, the lower middle when even)");
        text.AppendLine();
        text.AppendLine("| | CPU s | CPU ms per message | peak RSS MiB | KiB per live chat | wall s | reply p50 / p99 ms | chats ok | sent / received | lost | duplicated | context switches vol / invol |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var m in new[] { service, peer })
        {
            text.AppendLine(ci, $"| {m.Name} | {m.CpuSeconds:F2} | {m.CpuMsPerMessage:F3} | {m.PeakRssBytes / 1048576.0:F0} | {m.BytesPerLiveChat / 1024.0:F1} | {m.WallSeconds:F1} | {m.ReplyP50Ms:F0} / {m.ReplyP99Ms:F0} | {m.ChatsOk} | {m.Sent} / {m.Received} | {m.Lost} | {m.Duplicated} | {m.VoluntaryContextSwitches} / {m.InvoluntaryContextSwitches} |");
        }

        text.AppendLine(ci, $"| peer / service | {peer.CpuSeconds / service.CpuSeconds:F2}x | {peer.CpuMsPerMessage / service.CpuMsPerMessage:F2}x | {(double)peer.PeakRssBytes / service.PeakRssBytes:F2}x | {(double)peer.BytesPerLiveChat / Math.Max(1, service.BytesPerLiveChat):F2}x | {peer.WallSeconds / service.WallSeconds:F2}x | | | | | | |");
        text.AppendLine();
        text.AppendLine("A ratio above 1 means the service uses less (or is faster) than the peer. CPU is user + system seconds of the whole process from /usr/bin/time -v, divided by messages sent plus received; KiB per live chat is (peak RSS - RSS before the first chat) / most chats live at once.");
        if (MedianHeld(results, "service") is { Held: { } s } && MedianHeld(results, "node-peer") is { Held: { } p })
        {
            text.AppendLine();
            text.AppendLine(ci, $"## While all {chats} chats are held (the median run of {rounds} by CPU per message in the window)");
            text.AppendLine();
            text.AppendLine("| | window s | messages | messages/s | CPU s | cores | CPU ms per message |");
            text.AppendLine("|---|---|---|---|---|---|---|");
            text.AppendLine(ci, $"| service | {s.Seconds:F1} | {s.Messages} | {s.MessagesPerSecond:F0} | {s.CpuSeconds:F2} | {s.Cores:F2} | {s.CpuMsPerMessage:F3} |");
            text.AppendLine(ci, $"| node-peer | {p.Seconds:F1} | {p.Messages} | {p.MessagesPerSecond:F0} | {p.CpuSeconds:F2} | {p.Cores:F2} | {p.CpuMsPerMessage:F3} |");
            text.AppendLine(ci, $"| peer / service | | | {p.MessagesPerSecond / s.MessagesPerSecond:F2}x | | {p.Cores / s.Cores:F2}x | {p.CpuMsPerMessage / s.CpuMsPerMessage:F2}x |");
            text.AppendLine();
            text.AppendLine(ci, $"The window opens {HeldWindow.Settle.TotalSeconds:F0} s after the emulator first counts all {chats} sockets open and closes {HeldWindow.Longest.TotalSeconds:F0} s later or at the last look (every 0.2 s) before a chat closed: no start, ramp or chat end is in it. Messages are the emulator's count of guest messages in and agent messages out to guests; CPU is the process's user + system time from /proc/<pid>/stat. A messages/s ratio below 1 means the peer kept less of the scenario's pace than the service.");
        }

        return text.ToString();
    }

    /// <summary>The run with the median CPU per message while all its chats were held, of those that held them all long enough.</summary>
    private static Measured? MedianHeld(List<Measured> results, string name) =>
        results.Where(r => r.Name == name && r.Held is not null).OrderBy(r => r.Held!.CpuMsPerMessage).ToList() is { Count: > 0 } held ? held[(held.Count - 1) / 2] : null;

    /// <summary>
    /// Each side's CPU split three ways from the median runs of four sizes: a chat (the slope of CPU from
    /// chats/2 to chats*2 chats of one message), a message sent or received beyond a chat's first exchange
    /// (chats x messages against chats x 1, over the extra messages both ways) and what is left at no
    /// chats (the start and the warm-up).
    /// </summary>
    private static string SplitTable(int chats, int messages, int rounds, string scenario, List<Measured> few, List<Measured> one, List<Measured> many, List<Measured> full)
    {
        var ci = CultureInfo.InvariantCulture;
        (double Chat, double Message, double Left, double[] Totals) Split(string name)
        {
            double Cpu(List<Measured> runs) => Median(runs.Where(r => r.Name == name).ToList()).CpuSeconds;
            var (a, b, c, d) = (Cpu(few), Cpu(one), Cpu(many), Cpu(full));
            var perChat = (c - a) / (chats * 2 - chats / 2);
            var perMessage = messages > 1 ? (d - b) / (2.0 * chats * (messages - 1)) : double.NaN;
            return (perChat, perMessage, a - perChat * (chats / 2), [a, b, c, d]);
        }

        var service = Split("service");
        var peer = Split("node-peer");
        var text = new StringBuilder();
        text.AppendLine(ci, $"# Where the CPU goes: the service and the official client ({Path.GetFileName(scenario)}, {Environment.ProcessorCount} cores, the median run of {rounds} at each size, the lower middle when even)");
        text.AppendLine();
        text.AppendLine("| | service | node-peer | peer / service |");
        text.AppendLine("|---|---|---|---|");
        string[] sizes = [$"{chats / 2} chats x 1 message", $"{chats} chats x 1 message", $"{chats * 2} chats x 1 message", $"{chats} chats x {messages} messages"];
        for (var i = 0; i < sizes.Length; i++)
        {
            text.AppendLine(ci, $"| {sizes[i]}, CPU s | {service.Totals[i]:F2} | {peer.Totals[i]:F2} | {peer.Totals[i] / service.Totals[i]:F2}x |");
        }

        text.AppendLine(ci, $"| each chat more, ms | {service.Chat * 1000:F2} | {peer.Chat * 1000:F2} | {peer.Chat / service.Chat:F2}x |");
        text.AppendLine(ci, $"| each message more (sent or received), ms | {service.Message * 1000:F3} | {peer.Message * 1000:F3} | {peer.Message / service.Message:F2}x |");
        text.AppendLine(ci, $"| left at no chats (start and warm-up), s | {service.Left:F2} | {peer.Left:F2} | {peer.Left / service.Left:F2}x |");
        text.AppendLine();
        text.AppendLine("CPU is user + system seconds of the whole process from /usr/bin/time -v. A chat's cost includes its one exchange; a message's is what each further message sent or received adds; what is left is the line through the one-message runs at no chats. A ratio above 1 means the service uses less.");
        return text.ToString();
    }

    /// <summary>The run with the median CPU per message, so every figure in a row comes from one real run.</summary>
    private static Measured Median(List<Measured> runs) =>
        runs.Count == 0 ? throw new InvalidOperationException("no runs") : runs.OrderBy(r => r.CpuMsPerMessage).ElementAt((runs.Count - 1) / 2);

    private sealed record Measured
    {
        public required string Name { get; init; }
        public required int Round { get; init; }
        public required double CpuSeconds { get; init; }
        public required double UserSeconds { get; init; }
        public required double SystemSeconds { get; init; }
        public required double CpuMsPerMessage { get; init; }
        public required long PeakRssBytes { get; init; }
        public required long BaselineRssBytes { get; init; }
        public required long PeakLiveChats { get; init; }
        public required long BytesPerLiveChat { get; init; }
        public required double WallSeconds { get; init; }
        public required long ChatsOk { get; init; }
        public required long Sent { get; init; }
        public required long Received { get; init; }
        public required long? Lost { get; init; }
        public required long? Duplicated { get; init; }
        public required double ReplyP50Ms { get; init; }
        public required double ReplyP99Ms { get; init; }
        public required long VoluntaryContextSwitches { get; init; }
        public required long InvoluntaryContextSwitches { get; init; }
        public required Held? Held { get; init; }

        public string Summary() => string.Create(CultureInfo.InvariantCulture,
            $"{ChatsOk} ok, {Sent} sent / {Received} received, lost {Lost}, dup {Duplicated}; CPU {CpuSeconds:F2} s ({CpuMsPerMessage:F3} ms/message), peak {PeakRssBytes / 1048576.0:F0} MiB, {BytesPerLiveChat / 1024.0:F1} KiB/live chat, wall {WallSeconds:F1} s, reply p50 {ReplyP50Ms:F0} ms")
            + (Held is { } h ? string.Create(CultureInfo.InvariantCulture, $"; all held for {h.Seconds:F1} s: {h.MessagesPerSecond:F0} messages/s, {h.Cores:F2} cores, {h.CpuMsPerMessage:F3} ms/message") : "");
    }
}
