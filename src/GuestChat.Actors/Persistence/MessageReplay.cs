using Akka.Actor;
using Akka.Persistence;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// Reads one conversation's messages back from its journal, between two sequence numbers, through the
/// journal's own replay (the same for every provider), and tells its parent what it read once, then
/// stops: with a durable journal the transcript lives there, not in the conversation's memory.
/// <para>
/// A replay the journal fails (its call timeout under load, a dropped database connection) is asked for
/// once more, <see cref="RetryAfter"/> later, before the parent is told it failed: a query that a busy
/// moment of the database failed is answered rather than refused. A replay that gives no answer at all
/// within <see cref="Patience"/> is not asked again.
/// </para>
/// </summary>
public sealed class MessageReplay : ReceiveActor, IWithTimers
{
    /// <summary>How long a replay may go without a word from the journal before the parent is told it failed.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>How long after a failed replay it is asked for again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>How many times a replay is asked for at most.</summary>
    public const int Attempts = 2;

    private readonly List<(MessageSeen Seen, long Sequence)> _read = [];
    private readonly IActorRef _journal;
    private readonly ReplayMessages _replay;
    private int _attempt;

    /// <summary>Reads, through <see cref="Props"/>.</summary>
    public MessageReplay(IActorRef journal, string persistenceId, long from, long to, object request)
    {
        _journal = journal;
        _replay = new ReplayMessages(Math.Max(1, from), to, long.MaxValue, persistenceId, Self);
        Receive<ReplayedMessage>(replayed =>
        {
            if (!replayed.Persistent.IsDeleted && replayed.Persistent.Payload is MessageSeen seen)
            {
                _read.Add((seen, replayed.Persistent.SequenceNr));
            }
        });
        Receive<RecoverySuccess>(_ => Done(new Read(request, _read, null)));
        Receive<ReplayMessagesFailure>(failed =>
        {
            if (_attempt >= Attempts)
            {
                Done(new Read(request, [], failed.Cause));
                return;
            }

            // What the failed attempt had read comes again in the next.
            _read.Clear();
            Timers.StartSingleTimer("retry", Retry.Instance, RetryAfter);
        });
        Receive<Retry>(_ => Replay());
        Receive<ReceiveTimeout>(_ => Done(new Read(request, [], new TimeoutException($"The journal did not replay {persistenceId} within {Patience.TotalSeconds:0} s"))));
        SetReceiveTimeout(Patience);
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>What was read, in sequence order, for <paramref name="Request"/>; empty with the <paramref name="Failure"/> if the journal could not be read.</summary>
    public sealed record Read(object Request, IReadOnlyList<(MessageSeen Seen, long Sequence)> Messages, Exception? Failure);

    /// <summary>
    /// Props to read the messages of <paramref name="persistenceId"/> numbered <paramref name="from"/> to
    /// <paramref name="to"/> (inclusive) from <paramref name="journal"/>; the parent is told a <see cref="Read"/>
    /// carrying <paramref name="request"/>.
    /// </summary>
    public static Props Props(IActorRef journal, string persistenceId, long from, long to, object request) =>
        Akka.Actor.Props.Create(() => new MessageReplay(journal, persistenceId, from, to, request));

    /// <inheritdoc />
    protected override void PreStart()
    {
        Replay();
    }

    private void Replay()
    {
        _attempt++;
        _journal.Tell(_replay);
    }

    private void Done(Read read)
    {
        Context.Parent.Tell(read);
        Context.Stop(Self);
    }

    private sealed class Retry
    {
        public static readonly Retry Instance = new();
    }
}
