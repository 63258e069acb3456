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
