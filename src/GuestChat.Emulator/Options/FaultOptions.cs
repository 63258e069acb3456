namespace GuestChat.Emulator.Options;

/// <summary>
/// Faults as configured: a named profile, with any field set here overriding the profile's value.
/// The same shape is accepted by <c>PUT /emulator/faults</c> at run time.
/// </summary>
public sealed class FaultOptions
{
    /// <summary>One of <see cref="FaultProfiles.Names"/>; <c>none</c> by default.</summary>
    public string Profile { get; set; } = FaultProfiles.None;

    /// <summary>Share (0..1) of guest API requests answered 429 with <c>Retry-After</c>.</summary>
    public double? ThrottleShare { get; set; }

    /// <summary>The <c>Retry-After</c> of an injected 429, in whole seconds.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>Share (0..1) of guest API requests answered with one of <see cref="ServerErrorStatuses"/>.</summary>
    public double? ServerErrorShare { get; set; }

    /// <summary>Which of 502, 503 and 504 injected server errors use, picked at random.</summary>
    public List<int>? ServerErrorStatuses { get; set; }

    /// <summary>Share (0..1) of injected 504s whose request was carried out before the error was answered: the outcome-unknown case.</summary>
    public double? TimeoutAppliedShare { get; set; }

    /// <summary>Least latency added to every guest API request.</summary>
    public TimeSpan? LatencyMin { get; set; }

    /// <summary>Most latency added to every guest API request.</summary>
    public TimeSpan? LatencyMax { get; set; }

    /// <summary>Shortest life of a socket before it is dropped (zero with <see cref="SocketDropMax"/>: never).</summary>
    public TimeSpan? SocketDropMin { get; set; }

    /// <summary>Longest life of a socket before it is dropped.</summary>
    public TimeSpan? SocketDropMax { get; set; }

    /// <summary>Chance (0..1), at each heartbeat, that a socket goes quiet.</summary>
    public double? HeartbeatWithholdShare { get; set; }

    /// <summary>How many heartbeats in a row a quiet socket misses.</summary>
    public int? HeartbeatWithholdCount { get; set; }

    /// <summary>
    /// A real budget rather than random 429s: the organization's guest API requests per second (a token
    /// bucket holding a second's worth); requests beyond it are answered 429 with the wait until the next
    /// token as <c>Retry-After</c>. Zero: no budget.
    /// </summary>
    public double? OrganizationRequestsPerSecond { get; set; }

    /// <summary>The settings in force: the profile with this object's fields laid over it.</summary>
    public FaultSettings Resolve()
    {
        var baseline = FaultProfiles.Get(Profile)
            ?? throw new ArgumentException($"Unknown fault profile '{Profile}'; known: {string.Join(", ", FaultProfiles.Names)}.");
        return baseline with
        {
            ThrottleShare = ThrottleShare ?? baseline.ThrottleShare,
            RetryAfterSeconds = RetryAfterSeconds ?? baseline.RetryAfterSeconds,
            ServerErrorShare = ServerErrorShare ?? baseline.ServerErrorShare,
            ServerErrorStatuses = ServerErrorStatuses is { Count: > 0 } ? [.. ServerErrorStatuses] : baseline.ServerErrorStatuses,
            TimeoutAppliedShare = TimeoutAppliedShare ?? baseline.TimeoutAppliedShare,
            LatencyMin = LatencyMin ?? baseline.LatencyMin,
            LatencyMax = LatencyMax ?? baseline.LatencyMax,
            SocketDropMin = SocketDropMin ?? baseline.SocketDropMin,
            SocketDropMax = SocketDropMax ?? baseline.SocketDropMax,
            HeartbeatWithholdShare = HeartbeatWithholdShare ?? baseline.HeartbeatWithholdShare,
            HeartbeatWithholdCount = HeartbeatWithholdCount ?? baseline.HeartbeatWithholdCount,
            OrganizationRequestsPerSecond = OrganizationRequestsPerSecond ?? baseline.OrganizationRequestsPerSecond,
        };
    }

    internal IEnumerable<string> Problems()
    {
        FaultSettings resolved;
        try
        {
            resolved = Resolve();
        }
        catch (ArgumentException e)
        {
            return [e.Message];
        }

        return resolved.Problems();
    }
}
