namespace GuestChat.Client.Errors;

/// <summary>What a caller can do about a failed call.</summary>
public enum FailureKind
{
    /// <summary>Do not repeat it: the request is wrong or not allowed (400, 401, 403, 404, ...).</summary>
    Final,

    /// <summary>It was not carried out and may be tried again after <see cref="GuestChatError.RetryAfter"/> (429, or 5xx on a safe call, after the client's own retries).</summary>
    RetryAfter,

    /// <summary>It may or may not have been carried out (a timeout or 5xx on a POST, PATCH or DELETE): check before repeating it.</summary>
    OutcomeUnknown,
}
