using GuestChat.Client.Models;

namespace GuestChat.Client.Events;

/// <summary>A message, including member-join / member-leave and media-request messages (whose body is the media request id).</summary>
public sealed record MessageEvent(string ConversationId, string MessageId, string SenderId, string Body, BodyType BodyType, DateTimeOffset Timestamp, string? CorrelationId) : StreamEvent;
