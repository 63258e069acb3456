namespace GuestChat.Emulator.Options;

/// <summary>Named sets of faults, selected with <c>--faults NAME</c> or <c>Emulator:Faults:Profile</c>.</summary>
public static class FaultProfiles
{
    /// <summary>No faults: the default.</summary>
    public const string None = "none";

    /// <summary>Sockets dropped every few seconds, a fifth of requests 429, some 5xx, heartbeats withheld now and then.</summary>
    public const string Chaos = "chaos";

    /// <summary>A little of everything, as a healthy but busy real service would show.</summary>
    public const string Flaky = "flaky";

    /// <summary>Slow answers only: 100 to 400 ms added to every request.</summary>
    public const string Slow = "slow";

    private static readonly Dictionary<string, FaultSettings> Profiles = new(StringComparer.OrdinalIgnoreCase)
    {
        [None] = new FaultSettings { Profile = None },
        [Chaos] = new FaultSettings
        {
            Profile = Chaos,
            ThrottleShare = 0.20,
            RetryAfterSeconds = 1,
            ServerErrorShare = 0.05,
            ServerErrorStatuses = [502, 503, 503, 504],
            TimeoutAppliedShare = 0.5,
            LatencyMin = TimeSpan.Zero,
            LatencyMax = TimeSpan.FromMilliseconds(50),
            SocketDropMin = TimeSpan.FromSeconds(2),
            SocketDropMax = TimeSpan.FromSeconds(6),
            HeartbeatWithholdShare = 0.10,
            HeartbeatWithholdCount = 3,
        },
        [Flaky] = new FaultSettings
        {
            Profile = Flaky,
            ThrottleShare = 0.02,
            RetryAfterSeconds = 1,
            ServerErrorShare = 0.01,
            TimeoutAppliedShare = 0.5,
            LatencyMax = TimeSpan.FromMilliseconds(20),
            SocketDropMin = TimeSpan.FromSeconds(30),
            SocketDropMax = TimeSpan.FromSeconds(90),
        },
        [Slow] = new FaultSettings
        {
            Profile = Slow,
            LatencyMin = TimeSpan.FromMilliseconds(100),
            LatencyMax = TimeSpan.FromMilliseconds(400),
        },
    };

    /// <summary>All profile names.</summary>
    public static IReadOnlyCollection<string> Names => Profiles.Keys;

    /// <summary>The settings of a profile, or null when there is no such profile.</summary>
    public static FaultSettings? Get(string name) => Profiles.GetValueOrDefault(name);
}
