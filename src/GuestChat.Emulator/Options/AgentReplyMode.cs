namespace GuestChat.Emulator.Options;

/// <summary>How the emulated agent answers a guest's message.</summary>
public enum AgentReplyMode
{
    /// <summary>Echo the guest's text back through <see cref="AgentBehaviourOptions.EchoFormat"/>.</summary>
    Echo,

    /// <summary>Answer with the script in order, then echo once it runs out.</summary>
    Script,

    /// <summary>Never answer by itself; only the control API makes the agent speak.</summary>
    Silent,
}
