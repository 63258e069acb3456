using GuestChat.Client.Http;

namespace GuestChat.Client;

/// <summary>How a <see cref="GuestChatClient"/> reaches the API and behaves when it struggles.</summary>
public sealed record GuestChatClientOptions
{
    /// <summary>The region or base URL.</summary>
    public required GuestChatEnvironment Environment { get; init; }

    /// <summary>Retries of what can safely be retried.</summary>
    public RetryOptions Retry { get; init; } = new();

    /// <summary>The host's shared request budget.</summary>
    public RateLimitOptions RateLimit { get; init; } = new();
}
