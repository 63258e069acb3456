namespace GuestChat.Client.WebMessaging;

/// <summary><c>TooManyRequestsErrorMessage</c> (code 429, <c>errorCode</c> 4029): more than the session's message rate; send again after <paramref name="RetryAfterSeconds"/>.</summary>
public sealed record TooManyRequests(int RetryAfterSeconds, int ErrorCode, string? ErrorMessage) : WebMessagingFrame;
