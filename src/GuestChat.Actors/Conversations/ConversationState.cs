namespace GuestChat.Actors.Conversations;

/// <summary>Where a conversation stands (DESIGN.md: the ConversationActor's behaviours).</summary>
public enum ConversationState
{
    /// <summary>Made, waiting for its start command.</summary>
    New,

    /// <summary>POST /conversations under way.</summary>
    Creating,

    /// <summary>The socket is being attached; routing starts once it is.</summary>
    Connecting,

    /// <summary>Socket attached, guest connected, no agent yet (also after a transfer).</summary>
    Queued,

    /// <summary>An agent is connected.</summary>
    Active,

    /// <summary>The socket died; a new one is on its way within the grace window.</summary>
    Reconnecting,

    /// <summary>The guest is leaving (DELETE of its own member under way).</summary>
    Ending,

    /// <summary>Over, with a reason.</summary>
    Ended,

    /// <summary>Over because something final happened.</summary>
    Failed,
}
