namespace GuestChat.Client.Events;

/// <summary>A heartbeat: proof the socket is alive, nothing more.</summary>
public sealed record HeartbeatEvent : StreamEvent
{
    /// <summary>The one instance; heartbeats carry nothing.</summary>
    public static HeartbeatEvent Instance { get; } = new();
}
