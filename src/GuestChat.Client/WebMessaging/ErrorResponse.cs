namespace GuestChat.Client.WebMessaging;

/// <summary>
/// An error answer (<c>class</c> "string"): the envelope's <see cref="WebMessagingFrame.Code"/> says which
/// (4006 session expired, 4007 session not found, 4011 message too long, 4013 custom attributes too large,
/// 4020 missing parameter, 400/401/403, 5000), <paramref name="Message"/> the server's text.
/// </summary>
public sealed record ErrorResponse(string Message) : WebMessagingFrame;
