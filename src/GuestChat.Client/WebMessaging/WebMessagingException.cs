namespace GuestChat.Client.WebMessaging;

/// <summary>
/// The server refused a request (an error frame: 4006 session expired, 4007 not found, 4011 too long, 4013
/// attributes too large, 4020 missing parameter, 400, 5000...; or <c>TooManyRequestsErrorMessage</c>, 4029,
/// with <see cref="RetryAfter"/>), or the session's socket went away before the answer came (<see cref="Code"/> 0).
/// </summary>
public sealed class WebMessagingException(int code, string message, TimeSpan? retryAfter = null, bool sent = true) : Exception(message)
{
    /// <summary>False when the request never left (the socket was already gone): sending it again cannot make a duplicate.</summary>
    public bool Sent { get; } = sent;

    /// <summary>The frame's code (4029 for the rate limit), or 0 when the socket closed first.</summary>
    public int Code { get; } = code;

    /// <summary>How long to wait before sending again, on 4029.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Whether the request may go again as it is later (the rate limit, a server error, the socket lost).</summary>
    public bool Transient => Code is 0 or 4029 or 429 or >= 5000;
}
