namespace GuestChat.Client.Events;

/// <summary>Topic names and metadata types of the event stream.</summary>
public static class EventTopics
{
    /// <summary>The topic of heartbeats.</summary>
    public const string ChannelMetadata = "channel.metadata";

    /// <summary>The body text of a heartbeat.</summary>
    public const string HeartbeatMessage = "WebSocket Heartbeat";

    /// <summary>The version every chat frame carries.</summary>
    public const string Version = "2";

    /// <summary><c>metadata.type</c> of a member state change.</summary>
    public const string MemberChangeType = "member-change";

    /// <summary><c>metadata.type</c> of a message.</summary>
    public const string MessageType = "message";

    /// <summary><c>metadata.type</c> of a typing indicator.</summary>
    public const string TypingIndicatorType = "typing-indicator";

    /// <summary>The topic of a conversation's member changes.</summary>
    public static string Members(string conversationId) => $"v2.conversations.chats.{conversationId}.members";

    /// <summary>The topic of a conversation's messages and typing indicators.</summary>
    public static string Messages(string conversationId) => $"v2.conversations.chats.{conversationId}.messages";
}
