namespace GuestChat.Actors.Conversations;

/// <summary>How a conversation answers an agent's media request.</summary>
public enum MediaRequestDecision
{
    /// <summary>Leave it to a command from the subscriber.</summary>
    Ask,

    /// <summary>Accept it at once.</summary>
    Accept,

    /// <summary>Decline it at once.</summary>
    Decline,
}
