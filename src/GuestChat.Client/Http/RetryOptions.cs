namespace GuestChat.Client.Http;

/// <summary>How the client retries what can safely be retried.</summary>
public sealed record RetryOptions
{
    /// <summary>Attempts per call, the first included.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The first back-off after a 5xx or a connection failure; doubled each time, with full jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest single back-off.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest a call may take across all its attempts and waits.</summary>
    public TimeSpan MaxElapsed { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The wait after a 429 that carried no usable <c>Retry-After</c> (the Genesys SDKs use 3 s).</summary>
    public TimeSpan DefaultRetryAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long one attempt may take before it counts as a timeout.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>No retries at all: every failure goes straight to the caller.</summary>
    public static RetryOptions None { get; } = new() { MaxAttempts = 1 };
}
