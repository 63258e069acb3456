namespace GuestChat.Emulator.Chat;

/// <summary>Why an emulated chat ended.</summary>
public enum ChatEndReason
{
    /// <summary>The guest deleted its own member.</summary>
    GuestLeft,

    /// <summary>The agent ended the chat (by command or by its behaviour).</summary>
    AgentEnded,

    /// <summary>The guest had no socket for longer than the grace window.</summary>
    Abandoned,
}
