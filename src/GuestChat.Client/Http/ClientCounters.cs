using GuestChat.Client.Errors;

namespace GuestChat.Client.Http;

/// <summary>What one <see cref="GuestChatClient"/> has seen since it was made, for metrics: read at any time from any thread.</summary>
public sealed class ClientCounters
{
    private long _attempts;
    private long _throttled;
    private long _serverErrors;
    private long _noAnswer;
    private long _shed;

    /// <summary>HTTP attempts made, retries included.</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Answers that were 429 Too Many Requests.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>Answers that were 5xx.</summary>
    public long ServerErrors => Interlocked.Read(ref _serverErrors);

    /// <summary>Attempts that got no answer: a timeout or a connection that failed.</summary>
    public long NoAnswer => Interlocked.Read(ref _noAnswer);

    /// <summary>Background calls (typing) dropped because they waited too long for the request budget.</summary>
    public long Shed => Interlocked.Read(ref _shed);

    internal void CountShed() => Interlocked.Increment(ref _shed);

    /// <summary>Counts one attempt and how it ended (null: answered); the transports that speak for the same host (Web Messaging's) count theirs here too.</summary>
    public void Count(GuestChatError? error)
    {
        Interlocked.Increment(ref _attempts);
        switch (error?.Status)
        {
            case 429:
                Interlocked.Increment(ref _throttled);
                break;
            case >= 500:
                Interlocked.Increment(ref _serverErrors);
                break;
            case null when error is not null:
                Interlocked.Increment(ref _noAnswer);
                break;
        }
    }
}
