namespace GuestChat.Client.WebMessaging;

/// <summary>
/// What one Web Messaging websocket frame from the server turned out to be: its <c>class</c> as a type,
/// with the envelope's <c>code</c> (200, or an error such as 4006 session expired, 4029 too many
/// requests) and the <c>tracingId</c> of the request it answers, when it has one. Reading never throws:
/// see <see cref="WebMessagingParser"/>.
/// </summary>
public abstract record WebMessagingFrame
{
    /// <summary>The envelope's <c>code</c>: 200 for success, an HTTP-like or 4xxx error code otherwise.</summary>
    public int Code { get; init; }

    /// <summary>The <c>tracingId</c> of the request this answers (or of the guest's own message echoed back).</summary>
    public string? TracingId { get; init; }

    /// <summary>Whether the envelope's <c>type</c> was <c>response</c> (an answer to a request) rather than <c>message</c>.</summary>
    public bool IsResponse { get; init; }
}
