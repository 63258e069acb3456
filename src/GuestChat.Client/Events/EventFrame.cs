namespace GuestChat.Client.Events;

/// <summary>
/// One websocket text frame of the event stream:
/// <c>{ "topicName", "version": "2", "eventBody", "metadata": { "CorrelationId", "type" } }</c>.
/// Heartbeats carry neither version nor metadata.
/// </summary>
public sealed record EventFrame<TBody>
    where TBody : class
{
    /// <summary><c>v2.conversations.chats.{id}.members</c>, <c>...messages</c> or <c>channel.metadata</c>.</summary>
    public string? TopicName { get; init; }

    /// <summary>Always "2" on chat topics; absent on heartbeats.</summary>
    public string? Version { get; init; }

    /// <summary>The event itself.</summary>
    public TBody? EventBody { get; init; }

    /// <summary>The event type and correlation id; absent on heartbeats.</summary>
    public FrameMetadata? Metadata { get; init; }
}
