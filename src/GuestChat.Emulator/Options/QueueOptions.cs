namespace GuestChat.Emulator.Options;

/// <summary>A queue that chats are routed to, and how its agents behave.</summary>
public sealed class QueueOptions
{
    /// <summary>The queue name, which is what <c>routingTarget.targetAddress</c> holds.</summary>
    public string Name { get; set; } = "";

    /// <summary>The agents' behaviour.</summary>
    public AgentBehaviourOptions Agent { get; set; } = new();
}
