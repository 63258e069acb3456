namespace GuestChat.Client.WebMessaging;

/// <summary>
/// <c>SessionResponse</c>: the answer to <c>configureSession</c> (connected, whether the session is new or
/// resumed, read-only after the conversation ended, the custom-attribute limit) and to <c>closeSession</c>
/// (connected false).
/// </summary>
public sealed record SessionResponse(
    bool Connected,
    bool NewSession,
    bool ReadOnly,
    int? MaxCustomDataBytes,
    bool ClearedExistingSession,
    long? DurationSeconds,
    long? ExpirationDate) : WebMessagingFrame;
