using Akka.Actor;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// Tells the readers of the journal in this process (<see cref="MessageLog"/>) that a fact they follow
/// has just been written, so they read it at once instead of at their next poll. Conversations call
/// <see cref="Written"/> once a tagged fact is in the journal; a reader takes <see cref="Next"/> before it
/// reads, so a write that lands while it reads still wakes it. Writes by other processes (other nodes of a
/// cluster) are found by the readers' poll.
/// </summary>
public sealed class JournalWrites : IExtension
{
    private readonly object _gate = new();
    private TaskCompletionSource? _next;

    /// <summary>The signal of this actor system.</summary>
    public static JournalWrites Of(ActorSystem system) => system.WithExtension<JournalWrites, JournalWritesProvider>();

    /// <summary>A tagged fact was written: wakes whoever waits on <see cref="Next"/>.</summary>
    public void Written()
    {
        TaskCompletionSource? waiting;
        lock (_gate)
        {
            waiting = _next;
            _next = null;
        }

        waiting?.TrySetResult();
    }

    /// <summary>Completes at the next <see cref="Written"/>.</summary>
    public Task Next()
    {
        lock (_gate)
        {
            return (_next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    private sealed class JournalWritesProvider : ExtensionIdProvider<JournalWrites>
    {
        public override JournalWrites CreateExtension(ExtendedActorSystem system) => new();
    }
}
