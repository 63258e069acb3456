namespace GuestChat.Host.Run;

/// <summary>Live counters of a run, read by the progress line.</summary>
internal sealed class RunStats
{
    private long _started;
    private long _active;
    private long _ended;
    private long _failed;
    private long _sent;
    private long _received;

    public long Started => Interlocked.Read(ref _started);

    public long Active => Interlocked.Read(ref _active);

    public long Ended => Interlocked.Read(ref _ended);

    public long Failed => Interlocked.Read(ref _failed);

    public long Sent => Interlocked.Read(ref _sent);

    public long Received => Interlocked.Read(ref _received);

    public void ChatStarted() => Interlocked.Increment(ref _started);

    public void ChatActive() => Interlocked.Increment(ref _active);

    public void ChatEnded(bool ok)
    {
        Interlocked.Decrement(ref _active);
        Interlocked.Increment(ref ok ? ref _ended : ref _failed);
    }

    public void ChatFailedBeforeActive() => Interlocked.Increment(ref _failed);

    public void MessageSent() => Interlocked.Increment(ref _sent);

    public void MessagesReceived(long count) => Interlocked.Add(ref _received, count);
}
