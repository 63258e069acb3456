namespace GuestChat.Client.Events;

/// <summary>The body of a heartbeat frame on <c>channel.metadata</c>.</summary>
public sealed record HeartbeatEventBody
{
    /// <summary>"WebSocket Heartbeat".</summary>
    public string? Message { get; init; }
}
