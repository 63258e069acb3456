using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GuestChat.Benchmarks.Peer;

/// <summary>
/// What one contender costs while it holds every chat of its run open at once: the CPU its process spent
/// and the messages the emulator saw (guest messages in, agent messages out to guests) between two
/// moments at which all its chats were open, the first <see cref="Settle"/> after the last one opened, the
/// second at most <see cref="Longest"/> later or just before the first chat closed. The start, the ramp and
/// the ends of chats are outside it, so it is what a long-running service pays per message; the whole run
/// (from <c>/usr/bin/time</c>) is reported beside it.
/// </summary>
/// <remarks>
/// The contenders run one after the other against one emulator, so the emulator's counters during a run
/// are that run's. CPU is the process's user + system time from <c>/proc/[pid]/stat</c>, in clock ticks.
/// </remarks>
internal sealed class HeldWindow(HttpClient control, int chats)
{
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private static readonly double SecondsPerTick = 1.0 / 100; // USER_HZ: 100 on Linux

    /// <summary>
    /// The window of the process that the process <paramref name="launcher"/> names (0 until started) started, its only
    /// child; null when its chats were never all open at once for long enough before <paramref name="exited"/>.
    /// </summary>
    public async Task<Held?> MeasureAsync(Func<int> launcher, CancellationToken exited)
    {
        var first = default(Sample?);
        var last = default(Sample?);
        var allOpenSince = default(long?);
        while (!exited.IsCancellationRequested)
        {
            await Task.Delay(Poll, CancellationToken.None);
            var counters = await CountersAsync();
            var parent = launcher();
            if (counters is null || parent <= 0 || Child(parent) is not { } pid || Ticks(pid) is not { } ticks)
            {
                continue;
            }

            var now = Stopwatch.GetTimestamp();
            if (counters.Value.Open < chats)
            {
                if (first is not null)
                {
                    break; // a chat closed: the window ends at the last sample with all open
                }

                allOpenSince = null;
                continue;
            }

            allOpenSince ??= now;
            var sample = new Sample(now, ticks, counters.Value.Messages);
            if (first is null)
            {
                if (Stopwatch.GetElapsedTime(allOpenSince.Value, now) >= Settle)
                {
                    first = sample;
                }

                continue;
            }

            last = sample;
            if (Stopwatch.GetElapsedTime(first.Value.At, now) >= Longest)
            {
                break;
            }
        }

        if (first is not { } a || last is not { } b || Stopwatch.GetElapsedTime(a.At, b.At) < TimeSpan.FromSeconds(3) || b.Messages == a.Messages)
        {
            return null;
        }

        var seconds = Stopwatch.GetElapsedTime(a.At, b.At).TotalSeconds;
        var cpu = (b.Ticks - a.Ticks) * SecondsPerTick;
        var messages = b.Messages - a.Messages;
        return new Held
        {
            Seconds = Math.Round(seconds, 1),
            Messages = messages,
            CpuSeconds = Math.Round(cpu, 2),
            CpuMsPerMessage = Math.Round(cpu * 1000 / messages, 4),
            MessagesPerSecond = Math.Round(messages / seconds, 1),
            Cores = Math.Round(cpu / seconds, 3),
        };
    }

    private async Task<(long Open, long Messages)?> CountersAsync()
    {
        try
        {
            var counters = await control.GetFromJsonAsync<JsonObject>("/emulator/counters");
            long Read(string name) => counters![name]!.GetValue<long>();
            return (Read("socketsOpen"), Read("guestMessages") + Read("agentMessages"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null; // a look missed (the emulator busy past the client's timeout): the next one counts
        }
    }

    /// <summary>The one process <paramref name="parent"/> started (the contender under <c>/usr/bin/time</c>).</summary>
    private static int? Child(int parent)
    {
        try
        {
            var children = File.ReadAllText($"/proc/{parent}/task/{parent}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return children.Length == 1 ? int.Parse(children[0], CultureInfo.InvariantCulture) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>User + system CPU of <paramref name="pid"/> in clock ticks (fields 14 and 15 of its stat, counted after the command name, which may hold spaces).</summary>
    private static long? Ticks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private readonly record struct Sample(long At, long Ticks, long Messages);
}

/// <summary>One contender's cost while all its chats were held (<see cref="HeldWindow"/>).</summary>
internal sealed record Held
{
    public required double Seconds { get; init; }
    public required long Messages { get; init; }
    public required double CpuSeconds { get; init; }
    public required double CpuMsPerMessage { get; init; }
    public required double MessagesPerSecond { get; init; }
    public required double Cores { get; init; }
}
