namespace GuestChat.Emulator.Options;

/// <summary>The faults in force, all values concrete. Replaced whole at run time, never mutated.</summary>
public sealed record FaultSettings
{
    /// <summary>The profile these settings started from.</summary>
    public string Profile { get; init; } = FaultProfiles.None;

    /// <summary>Share (0..1) of guest API requests answered 429.</summary>
    public double ThrottleShare { get; init; }

    /// <summary>The <c>Retry-After</c> of an injected 429, in seconds.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Share (0..1) of guest API requests answered 502, 503 or 504.</summary>
    public double ServerErrorShare { get; init; }

    /// <summary>The statuses injected server errors pick from.</summary>
    public IReadOnlyList<int> ServerErrorStatuses { get; init; } = [502, 503, 504];

    /// <summary>Share (0..1) of injected 504s that were carried out first.</summary>
    public double TimeoutAppliedShare { get; init; }

    /// <summary>Least added latency.</summary>
    public TimeSpan LatencyMin { get; init; }

    /// <summary>Most added latency.</summary>
    public TimeSpan LatencyMax { get; init; }

    /// <summary>Shortest socket life before a drop.</summary>
    public TimeSpan SocketDropMin { get; init; }

    /// <summary>Longest socket life before a drop; zero means sockets are not dropped.</summary>
    public TimeSpan SocketDropMax { get; init; }

    /// <summary>Chance per heartbeat that a socket goes quiet.</summary>
    public double HeartbeatWithholdShare { get; init; }

    /// <summary>Heartbeats a quiet socket misses in a row.</summary>
    public int HeartbeatWithholdCount { get; init; } = 3;

    /// <summary>The organization's request budget per second; zero means none.</summary>
    public double OrganizationRequestsPerSecond { get; init; }

    /// <summary>Whether sockets are dropped at all.</summary>
    public bool DropsSockets => SocketDropMax > TimeSpan.Zero;

    internal IEnumerable<string> Problems()
    {
        foreach (var (name, share) in new[]
                 {
                     ("ThrottleShare", ThrottleShare), ("ServerErrorShare", ServerErrorShare),
                     ("TimeoutAppliedShare", TimeoutAppliedShare), ("HeartbeatWithholdShare", HeartbeatWithholdShare),
                 })
        {
            if (share is < 0 or > 1 || double.IsNaN(share))
            {
                yield return $"Faults.{name} must be between 0 and 1.";
            }
        }

        if (ThrottleShare + ServerErrorShare > 1)
        {
            yield return "Faults.ThrottleShare and Faults.ServerErrorShare must add up to at most 1.";
        }

        if (RetryAfterSeconds < 1)
        {
            yield return "Faults.RetryAfterSeconds must be at least 1.";
        }

        if (ServerErrorStatuses.Count == 0 || ServerErrorStatuses.Any(s => s is not (502 or 503 or 504)))
        {
            yield return "Faults.ServerErrorStatuses may hold only 502, 503 and 504.";
        }

        if (LatencyMin < TimeSpan.Zero || LatencyMax < LatencyMin)
        {
            yield return "Faults.LatencyMin must be >= 0 and <= Faults.LatencyMax.";
        }

        if (SocketDropMin < TimeSpan.Zero || SocketDropMax < SocketDropMin)
        {
            yield return "Faults.SocketDropMin must be >= 0 and <= Faults.SocketDropMax.";
        }

        if (OrganizationRequestsPerSecond < 0 || double.IsNaN(OrganizationRequestsPerSecond))
        {
            yield return "Faults.OrganizationRequestsPerSecond must be 0 (no budget) or more.";
        }

        if (HeartbeatWithholdCount < 1)
        {
            yield return "Faults.HeartbeatWithholdCount must be at least 1.";
        }
    }
}
