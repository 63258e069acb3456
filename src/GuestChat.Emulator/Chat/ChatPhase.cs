namespace GuestChat.Emulator.Chat;

/// <summary>Where an emulated chat stands in its life cycle.</summary>
public enum ChatPhase
{
    /// <summary>Created; not routed until the guest attaches its socket.</summary>
    Created,

    /// <summary>Socket attached, waiting in the queue for an agent.</summary>
    Queued,

    /// <summary>An agent is being offered the chat (also during a transfer).</summary>
    Alerting,

    /// <summary>An agent is connected.</summary>
    Active,

    /// <summary>The guest is disconnected; the chat is over.</summary>
    Ended,
}
