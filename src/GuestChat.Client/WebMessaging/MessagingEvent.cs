namespace GuestChat.Client.WebMessaging;

/// <summary>
/// One event of a <c>StructuredMessage</c>: <c>Typing</c> (<paramref name="Type"/> On or Off, with its
/// <paramref name="DurationMilliseconds"/>) or <c>Presence</c> (<paramref name="Type"/> Join, Disconnect,
/// Clear, SignIn); another event type keeps its name with no detail.
/// </summary>
public sealed record MessagingEvent(string EventType, string? Type, int? DurationMilliseconds);
