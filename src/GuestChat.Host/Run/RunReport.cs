using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GuestChat.Host.Run;

/// <summary>The outcome of a run, as text for people and as one JSON object for scripts.</summary>
public sealed record RunReport
{
    public required int Chats { get; init; }

    public required long ChatsOk { get; init; }

    public required long ChatsFailed { get; init; }

    public required IReadOnlyDictionary<string, int> FailuresByReason { get; init; }

    public required long MessagesSent { get; init; }

    public required long MessagesReceived { get; init; }

    public required long RepliesMissing { get; init; }

    /// <summary>Messages from others in the emulator's transcripts that never reached a subscriber; null when not checked.</summary>
    public required long? Lost { get; init; }

    /// <summary>Messages delivered twice, or guest messages posted twice; null when not checked.</summary>
    public required long? Duplicated { get; init; }

    public required double LatencyP50Ms { get; init; }

    public required double LatencyP95Ms { get; init; }

    public required double LatencyP99Ms { get; init; }

    public required double SetupP50Ms { get; init; }

    public required double SetupP95Ms { get; init; }

    public required long Reconnects { get; init; }

    /// <summary>HTTP requests the client made, retries included.</summary>
    public required long Requests { get; init; }

    /// <summary>Of those, how many were answered 429.</summary>
    public required long Throttled { get; init; }

    /// <summary>The highest rate of requests over <see cref="BusiestWindowSeconds"/> consecutive seconds.</summary>
    public required double BusiestRequestsPerSecond { get; init; }

    /// <summary>The seconds that rate is over: 10, or the whole run when it was shorter.</summary>
    public required int BusiestWindowSeconds { get; init; }

    /// <summary>
    /// This process's resident memory per live chat (started, not yet finished) at the moment most were
    /// live, above what it held before the first; null when the emulator shared the process, since its
    /// sockets and transcripts would be counted as the service's.
    /// </summary>
    public required long? MemoryPerChatBytes { get; init; }

    public required long PeakMemoryBytes { get; init; }

    public required double WallSeconds { get; init; }

    /// <summary>The most chats live (started, not yet finished) at one time.</summary>
    public required long PeakActiveChats { get; init; }

    /// <summary>The process's resident memory before the first chat, the base of <see cref="MemoryPerChatBytes"/>.</summary>
    public required long BaselineMemoryBytes { get; init; }

    /// <summary>The guest API the chats spoke: <c>guestchat</c> or <c>webmessaging</c>.</summary>
    public required string Transport { get; init; }

    /// <summary>Where the emulator ran: <c>in-process</c> (its memory is in the figures), <c>process</c>, <c>external</c> (a target that is an emulator), or <c>none</c> for a real target.</summary>
    public required string Emulator { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    internal static RunReport From(RunOptions options, RunStats stats, ConcurrentDictionary<string, int> failures, IEnumerable<double> replyLatencies,
        IEnumerable<double> setupTimes, long missingReplies, long? lost, long? duplicated, MemorySampler memory, RequestSampler requests, long reconnects, TimeSpan wall)
    {
        var latencies = replyLatencies.Order().ToArray();
        var setups = setupTimes.Order().ToArray();
        return new RunReport
        {
            Chats = options.Chats,
            Transport = options.Transport.ToLowerInvariant(),
            PeakActiveChats = memory.MostActiveChats,
            Emulator = options.Target is null ? options.EmulatorInOwnProcess ? "process" : "in-process" : lost is null ? "none" : "external",
            ChatsOk = stats.Ended,
            ChatsFailed = options.Chats - stats.Ended,
            FailuresByReason = new SortedDictionary<string, int>(failures),
            MessagesSent = stats.Sent,
            MessagesReceived = stats.Received,
            RepliesMissing = missingReplies,
            Lost = lost,
            Duplicated = duplicated,
            LatencyP50Ms = Percentile(latencies, 0.50),
            LatencyP95Ms = Percentile(latencies, 0.95),
            LatencyP99Ms = Percentile(latencies, 0.99),
            SetupP50Ms = Percentile(setups, 0.50),
            SetupP95Ms = Percentile(setups, 0.95),
            Reconnects = reconnects,
            Requests = requests.Requests,
            Throttled = requests.Throttled,
            BusiestRequestsPerSecond = Math.Round(requests.BusiestRate, 1),
            BusiestWindowSeconds = requests.BusiestWindow,
            MemoryPerChatBytes = options.Target is null && !options.EmulatorInOwnProcess ? null : memory.BytesPerChatAtBusiest,
            PeakMemoryBytes = memory.PeakBytes,
            BaselineMemoryBytes = memory.BaselineBytes,
            WallSeconds = Math.Round(wall.TotalSeconds, 2),
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public string ToText()
    {
        var text = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        text.AppendLine(ci, $"Chats:     {ChatsOk} ok, {ChatsFailed} failed of {Chats}");
        foreach (var (reason, count) in FailuresByReason)
        {
            text.AppendLine(ci, $"           {count} x {reason}");
        }

        text.AppendLine(ci, $"Messages:  {MessagesSent} sent, {MessagesReceived} received, {RepliesMissing} replies missing");
        text.AppendLine(ci, $"Checked:   {(Lost is null ? "not checked (the target is not an emulator)" : $"{Lost} lost, {Duplicated} duplicated (against the emulator's transcripts)")}");
        text.AppendLine(ci, $"Latency:   agent reply p50 {LatencyP50Ms:F0} ms, p95 {LatencyP95Ms:F0} ms, p99 {LatencyP99Ms:F0} ms (includes the agent's think and typing time)");
        text.AppendLine(ci, $"Set-up:    start to agent connected p50 {SetupP50Ms:F0} ms, p95 {SetupP95Ms:F0} ms");
        text.AppendLine(ci, $"Sockets:   {Reconnects} reconnects; at most {PeakActiveChats} chats live at once");
        text.AppendLine(ci, $"Requests:  {Requests} to the API{(Transport == "webmessaging" ? " (Web Messaging: on the chats' sockets, and history reads)" : "")}, {Throttled} answered 429; busiest {BusiestWindowSeconds} s at {BusiestRequestsPerSecond:F1} requests/s");
        var memory = MemoryPerChatBytes is { } perChat
            ? string.Create(ci, $"Memory:    peak {PeakMemoryBytes / 1048576.0:F1} MiB, {perChat / 1024.0:F1} KiB per live chat when most were live (the service alone)")
            : string.Create(ci, $"Memory:    peak {PeakMemoryBytes / 1048576.0:F1} MiB with the emulator in this process; per chat not measured (--emulator process measures the service alone)");
        text.AppendLine(memory);
        text.Append(ci, $"Wall time: {WallSeconds:F1} s");
        return text.ToString();
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)], 1);
}
