using Akka.Actor;
using Akka.Persistence;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// Reads one conversation's messages back from its journal, between two sequence numbers, through the
/// journal's own replay (the same for every provider), and tells its parent what it read once, then
/// stops: with a durable journal the transcript lives there, not in the conversation's memory.
/// </summary>
public sealed class MessageReplay : ReceiveActor
{
    /// <summary>How long a replay may take before the parent is told it failed.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly List<(MessageSeen Seen, long Sequence)> _read = [];

    /// <summary>Reads, through <see cref="Props"/>.</summary>
    public MessageReplay(IActorRef journal, string persistenceId, long from, long to, object request)
    {
        Receive<ReplayedMessage>(replayed =>
        {
            if (!replayed.Persistent.IsDeleted && replayed.Persistent.Payload is MessageSeen seen)
            {
                _read.Add((seen, replayed.Persistent.SequenceNr));
            }
        });
        Receive<RecoverySuccess>(_ => Done(new Read(request, _read, null)));
        Receive<ReplayMessagesFailure>(failed => Done(new Read(request, [], failed.Cause)));
        Receive<ReceiveTimeout>(_ => Done(new Read(request, [], new TimeoutException($"The journal did not replay {persistenceId} within {Patience.TotalSeconds:0} s"))));
        SetReceiveTimeout(Patience);
        journal.Tell(new ReplayMessages(Math.Max(1, from), to, long.MaxValue, persistenceId, Self));
    }

    /// <summary>What was read, in sequence order, for <paramref name="Request"/>; empty with the <paramref name="Failure"/> if the journal could not be read.</summary>
    public sealed record Read(object Request, IReadOnlyList<(MessageSeen Seen, long Sequence)> Messages, Exception? Failure);

    /// <summary>
    /// Props to read the messages of <paramref name="persistenceId"/> numbered <paramref name="from"/> to
    /// <paramref name="to"/> (inclusive) from <paramref name="journal"/>; the parent is told a <see cref="Read"/>
    /// carrying <paramref name="request"/>.
    /// </summary>
    public static Props Props(IActorRef journal, string persistenceId, long from, long to, object request) =>
        Akka.Actor.Props.Create(() => new MessageReplay(journal, persistenceId, from, to, request));

    private void Done(Read read)
    {
        Context.Parent.Tell(read);
        Context.Stop(Self);
    }
}
