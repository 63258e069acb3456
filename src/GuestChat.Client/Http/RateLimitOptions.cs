namespace GuestChat.Client.Http;

/// <summary>The shared request budget of one API host.</summary>
public sealed record RateLimitOptions
{
    /// <summary>Requests per second when no 429s arrive; zero or less turns limiting off.</summary>
    public double RequestsPerSecond { get; init; } = 200;

    /// <summary>How many requests may go at once after a quiet spell.</summary>
    public int Burst { get; init; } = 50;

    /// <summary>The floor the rate never drops below, however many 429s arrive.</summary>
    public double MinimumRequestsPerSecond { get; init; } = 5;

    /// <summary>A 429 multiplies the rate by this (at most once per <see cref="DecreaseInterval"/>).</summary>
    public double DecreaseFactor { get; init; } = 0.7;

    /// <summary>The shortest time between two decreases, so a burst of 429s counts once.</summary>
    public TimeSpan DecreaseInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Each second without a 429 the rate grows by this share of <see cref="RequestsPerSecond"/>.</summary>
    public double RecoveryShare { get; init; } = 0.05;
}
