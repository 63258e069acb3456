using System.Threading.Tasks.Sources;
using Akka.Actor;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// Tells the readers of the journal in this process (<see cref="MessageLog"/>) that a fact they follow
/// has just been written, so they read it at once instead of at their next poll. The journal's writer (or
/// a conversation, on a journal that is not ours) calls <see cref="Written"/> once a told fact is in the
/// journal; each reader listens with a <see cref="Wake"/> of its own, which keeps a write that lands while
/// its reader reads for the reader's next wait. Writes by other processes (other nodes of a cluster) are
/// found by the readers' poll.
/// </summary>
public sealed class JournalWrites : IExtension
{
    private readonly object _gate = new();
    private Wake[] _listening = [];

    /// <summary>The signal of this actor system.</summary>
    public static JournalWrites Of(ActorSystem system) => system.WithExtension<JournalWrites, JournalWritesProvider>();

    /// <summary>A told fact was written: wakes every listening reader.</summary>
    public void Written()
    {
        foreach (var wake in Volatile.Read(ref _listening))
        {
            wake.Set();
        }
    }

    /// <summary>Sets <paramref name="wake"/> at every <see cref="Written"/> until the returned handle is disposed.</summary>
    public IDisposable Listen(Wake wake)
    {
        lock (_gate)
        {
            _listening = [.. _listening, wake];
        }

        return new Listening(this, wake);
    }

    private sealed class Listening(JournalWrites writes, Wake wake) : IDisposable
    {
        public void Dispose()
        {
            lock (writes._gate)
            {
                writes._listening = [.. writes._listening.Where(w => w != wake)];
            }
        }
    }

    private sealed class JournalWritesProvider : ExtensionIdProvider<JournalWrites>
    {
        public override JournalWrites CreateExtension(ExtendedActorSystem system) => new();
    }
}

/// <summary>
/// A reader's wake-up: <see cref="Set"/> from any thread, awaited by one reader with <see cref="WaitAsync"/>.
/// A set while nobody waits is kept for the next wait (once, however many came). Waiting allocates nothing,
/// which matters to a reader woken by every message.
/// </summary>
public sealed class Wake : IValueTaskSource
{
    private const int Idle = 0, Pending = 1, Waiting = 2;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _state;

    /// <summary>Completes at the next <see cref="Set"/>, or at once if one came since the last wait.</summary>
    public ValueTask WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Pending) == Pending)
        {
            return ValueTask.CompletedTask;
        }

        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) == Pending)
        {
            // Set between the two steps.
            Volatile.Write(ref _state, Idle);
            return ValueTask.CompletedTask;
        }

        return new ValueTask(this, _core.Version);
    }

    /// <summary>Wakes the waiting reader, or the next wait.</summary>
    public void Set()
    {
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Pending:
                    return;
                case Idle when Interlocked.CompareExchange(ref _state, Pending, Idle) == Idle:
                    return;
                case Waiting when Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting:
                    _core.SetResult(true);
                    return;
            }
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
