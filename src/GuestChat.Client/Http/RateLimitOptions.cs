namespace GuestChat.Client.Http;

/// <summary>The shared request budget of one API host.</summary>
public sealed record RateLimitOptions
{
    /// <summary>The most requests per second ever sent; zero or less turns limiting off.</summary>
    public double RequestsPerSecond { get; init; } = 200;

    /// <summary>How many requests may go at once after a quiet spell.</summary>
    public int Burst { get; init; } = 50;

    /// <summary>The floor the rate never drops below, however many 429s arrive.</summary>
    public double MinimumRequestsPerSecond { get; init; } = 5;

    /// <summary>The deepest single cut: a throttled window multiplies the rate by no less than this.</summary>
    public double DecreaseFactor { get; init; } = 0.7;

    /// <summary>
    /// The window over which answers are counted before the rate is judged (longer while fewer than
    /// <see cref="MinimumSamples"/> answers came back), so a burst of 429s counts once.
    /// </summary>
    public TimeSpan DecreaseInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>After a quiet window in which the budget was nearly used, near a budget found earlier, the rate grows by this share of itself (elsewhere by a quarter).</summary>
    public double RecoveryShare { get; init; } = 0.05;

    /// <summary>
    /// The share of 429s above the background share that is tolerated before the rate is cut (raised
    /// for small windows, where a share is a noisy estimate).
    /// </summary>
    public double ThrottleTolerance { get; init; } = 0.05;

    /// <summary>Answers a window needs before it is judged.</summary>
    public int MinimumSamples { get; init; } = 50;

    /// <summary>How the budget is shared among the lanes when calls queue (Interactive, Recovery, Background).</summary>
    public IReadOnlyList<int> LaneWeights { get; init; } = [6, 3, 1];

    /// <summary>How long a background call (typing) may wait for its turn before it is dropped: late, it is worth nothing.</summary>
    public TimeSpan BackgroundMaxWait { get; init; } = TimeSpan.FromSeconds(3);
}
