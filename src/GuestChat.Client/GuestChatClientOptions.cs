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

    /// <summary>Which guest API conversations speak: guest chat (retired by Genesys; the emulator keeps it) or Web Messaging, its successor.</summary>
    public GuestApi Api { get; init; } = GuestApi.GuestChat;

    /// <summary>The web page origin a Web Messaging guest presents (its deployment may allow only some); none when not set.</summary>
    public string? Origin { get; init; }
}

/// <summary>The guest APIs a conversation can speak.</summary>
public enum GuestApi
{
    /// <summary>The guest chat API (<c>/api/v2/webchat/guest</c>, its event stream).</summary>
    GuestChat,

    /// <summary>Web Messaging (<c>wss://webmessaging.{domain}/v1</c>, the history endpoint).</summary>
    WebMessaging,
}
