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

    /// <summary>The command breaks its own rules (see the rejection's field): nothing was sent.</summary>
    Invalid,

    /// <summary>The command lacks a field it needs (see the rejection's field): nothing was sent.</summary>
    Missing,

    /// <summary>What the command names does not exist (a media request, say; see the field).</summary>
    NotFound,

    /// <summary>What the command names is past the point where the command applies (a media request already answered).</summary>
    Conflict,

    /// <summary>No answer in time: the command's outcome is not known.</summary>
    Unanswered,
}
