namespace GuestChat.Client.Events;

/// <summary>A member is typing; <see cref="EventId"/> de-duplicates.</summary>
public sealed record TypingEvent(string ConversationId, string EventId, string SenderId, DateTimeOffset Timestamp, string? CorrelationId) : StreamEvent;
