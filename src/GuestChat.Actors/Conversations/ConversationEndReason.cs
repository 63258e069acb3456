namespace GuestChat.Actors.Conversations;

/// <summary>Why a conversation ended (DESIGN.md promise 8).</summary>
public enum ConversationEndReason
{
    /// <summary>The guest left (an End command).</summary>
    GuestLeft,

    /// <summary>The agent ended the chat.</summary>
    AgentEnded,

    /// <summary>The socket stayed away past the grace window.</summary>
    Abandoned,

    /// <summary>The guest's JWT expired; there is no refresh.</summary>
    JwtExpired,

    /// <summary>Something final went wrong; the event carries the Genesys error.</summary>
    Failed,
}
