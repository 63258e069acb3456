namespace GuestChat.Actors.Conversations;

/// <summary>Why a command was rejected, for callers that answer differently (an HTTP status, say).</summary>
public enum RejectionKind
{
    /// <summary>Genesys refused it (see the rejection's error), or the conversation cannot serve it in its state.</summary>
    Refused,

    /// <summary>No conversation has the key.</summary>
    UnknownKey,

    /// <summary>A Start for a key a conversation already has (live, or ended and still retained).</summary>
    AlreadyExists,

    /// <summary>The conversation has ended.</summary>
    Ended,

    /// <summary>A Start beyond <see cref="ConversationSettings.MaxConversations"/>.</summary>
    AtCapacity,
}
