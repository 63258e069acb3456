namespace GuestChat.Client.WebMessaging;

/// <summary>
/// A frame about the session rather than a message: <c>SessionExpiredEvent</c>, <c>SessionClearedEvent</c>,
/// <c>LogoutEvent</c>, or <c>ConnectionClosedEvent</c> (another connection closed the session; its
/// <paramref name="Reason"/> when given).
/// </summary>
public sealed record SessionEvent(string Class, string? Reason) : WebMessagingFrame;
