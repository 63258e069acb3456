namespace GuestChat.Client.Errors;

/// <summary>
/// Why a call failed: the HTTP status (null when no answer came), the Genesys <c>code</c> and
/// <c>messageParams</c>, the correlation id, the wait a 429 asked for, and what the caller can do.
/// Holds no token.
/// </summary>
public sealed record GuestChatError
{
    /// <summary>The operation, for example <c>postWebchatGuestConversationMemberMessages</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>What the caller can do about it.</summary>
    public required FailureKind Kind { get; init; }

    /// <summary>The HTTP status, or null when the request got no answer (connection failure, timeout).</summary>
    public int? Status { get; init; }

    /// <summary>The ErrorBody code, for example <c>chat.error.conversation.state</c>; for failures without an answer, <c>client.timeout</c> or <c>client.connection</c>.</summary>
    public required string Code { get; init; }

    /// <summary>The ErrorBody message or a description of the failure.</summary>
    public required string Message { get; init; }

    /// <summary>The ErrorBody messageParams.</summary>
    public IReadOnlyDictionary<string, string>? MessageParams { get; init; }

    /// <summary>The <c>inin-correlation-id</c> of the answer, to quote to Genesys support.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>How long to wait before trying again (from <c>Retry-After</c> on a 429).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>The field an error names, when it names one.</summary>
    public string? Field { get; init; }
}
