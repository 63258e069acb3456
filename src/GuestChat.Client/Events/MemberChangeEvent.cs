using GuestChat.Client.Models;

namespace GuestChat.Client.Events;

/// <summary>A member's state changed. Carries ids only: resolve role and name with GET /members/{id}.</summary>
public sealed record MemberChangeEvent(string ConversationId, string MemberId, MemberState State, DateTimeOffset? Timestamp, string? CorrelationId) : StreamEvent;
