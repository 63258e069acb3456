using System.Collections.Concurrent;

namespace GuestChat.Emulator.Control;

/// <summary>
/// When each message's frame left the emulator: written whole to a guest's socket, with the clock's full
/// precision. A message's own timestamp is taken when it is made, to the millisecond, before the frame
/// waits in the socket's outbox; a benchmark that times a client from the frame leaving has this. Kept
/// only when <see cref="Options.EmulatorOptions.RecordSendTimes"/> is on, and then only the newest
/// <see cref="MostKept"/>.
/// </summary>
public sealed class SendLog
{
    /// <summary>The most entries kept; older ones go first.</summary>
    public const int MostKept = 1_000_000;

    private readonly ConcurrentQueue<SentFrame> _sent = new();
    private int _count;

    /// <summary>
    /// A message's frame has just been written to a socket (a message sent to two sockets has two entries).
    /// Timed by the machine's clock, not the emulator's time provider: a reader in another process compares it with its own.
    /// </summary>
    public void Record(string messageId)
    {
        _sent.Enqueue(new SentFrame(messageId, (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10));
        if (Interlocked.Increment(ref _count) > MostKept && _sent.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>The entries kept, oldest first.</summary>
    public IReadOnlyList<SentFrame> Snapshot() => [.. _sent];
}

/// <summary>A message's frame written to a socket, and when: microseconds since 1970 (the API's timestamps stop at milliseconds).</summary>
public sealed record SentFrame(string MessageId, long SentAtUnixMicroseconds);
