using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using GuestChat.Actors.EventStreams;
using GuestChat.Actors.Persistence;
using GuestChat.Client;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.Conversations.ConversationQueries;

namespace GuestChat.Actors.Conversations;

/// <summary>
/// <c>/user/conversations</c>: starts one <see cref="ConversationActor"/> per key on <see cref="Start"/>,
/// routes every keyed message to it, supervises it, answers for all chats, and keeps who subscribed to
/// every conversation's events (<see cref="ConversationAudience"/>: the conversations tell them their
/// events themselves; it tells them the failed end of one that stopped unexpectedly). Later replaced by a
/// shard region that takes the same messages.
/// </summary>
public sealed class ConversationManager : UntypedPersistentActor, IWithTimers
{
    /// <summary>The journal's id for the registry of live conversations.</summary>
    public const string RegistryPersistenceId = "conversation-registry";

    /// <summary>Facts written between two snapshots of the registry (after which the older facts are deleted).</summary>
    private const int SnapshotEvery = 500;

    private const string SchedulerWarmUpTimer = "scheduler-warm-up";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IGuestChatClient _api;
    private readonly ConversationSettings _settings;
    private readonly IEventStreamFactory _streams;
    private readonly ConversationJournal _journal;
    private readonly ConversationPlace _place;
    private readonly HashSet<string> _registry = new(StringComparer.Ordinal);
    private int _factsSinceSnapshot;
    private long _previousSnapshot;
    private readonly Dictionary<ConversationKey, Entry> _conversations = [];
    private readonly Dictionary<IActorRef, ConversationKey> _keysByActor = [];
    private readonly ConversationAudience _audience = new();

    /// <summary>A manager whose conversations share one client (and so one rate limiter per host).</summary>
    public ConversationManager(IGuestChatClient api, ConversationSettings settings, IEventStreamFactory streams, ConversationJournal? journal = null)
    {
        _api = api;
        _settings = settings;
        _streams = streams;
        _journal = journal ?? ConversationJournal.InMemory;
        // Its conversations tell its subscribers (the audience) their events themselves and it, their
        // directory, their state changes and ends; they share one capacity (each refuses a Start beyond it, and stops).
        _place = new ConversationPlace(Self, new ConversationCapacity(settings.MaxConversations), Sharded: false, _audience);
    }

    /// <inheritdoc />
    public override string PersistenceId => RegistryPersistenceId;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for the manager.</summary>
    public static Props Props(IGuestChatClient api, ConversationSettings settings, IEventStreamFactory streams, ConversationJournal? journal = null) =>
        Akka.Actor.Props.Create(() => new ConversationManager(api, settings, streams, journal));

    /// <inheritdoc />
    protected override void PreStart() =>
        // Akka's scheduler starts its worker on first use, and every caller that arrives meanwhile blocks
        // a pool thread until it has started. Hundreds of conversations scheduling their first timers at
        // once used to take every pool thread that way and stall for a minute; starting it here, once,
        // before any conversation exists, avoids that.
        Timers.StartSingleTimer(SchedulerWarmUpTimer, SchedulerWarmedUp.Instance, TimeSpan.FromMilliseconds(1));

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        // With a durable journal a restarted conversation recovers its chat from its facts, so a crash
        // restarts it (a few times, not forever). Without one it would start empty and could not resume
        // its chat: then a crash stops it and is reported as its end (Failed), which is honest.
        _journal.Durable
            ? new OneForOneStrategy(maxNrOfRetries: 5, withinTimeRange: TimeSpan.FromMinutes(1), _ => Directive.Restart)
            : new OneForOneStrategy(_ => Directive.Stop);

    /// <inheritdoc />
    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: RegistrySnapshot snapshot }:
                _registry.Clear();
                _registry.UnionWith(snapshot.OpenKeys);
                break;
            case ConversationOpened opened:
                _registry.Add(opened.Key);
                _factsSinceSnapshot++;
                break;
            case ConversationClosed closed:
                _registry.Remove(closed.Key);
                _factsSinceSnapshot++;
                break;
            case RecoveryCompleted:
                // Every conversation that was live when the service stopped starts again and resumes its chat from its own journal.
                foreach (var key in _registry)
                {
                    Create(new ConversationKey(key));
                }

                if (_registry.Count > 0)
                {
                    _log.Info("Resuming {Count} conversations from the journal", _registry.Count);
                }

                break;
        }
    }

    /// <summary>Starts a conversation for a key not seen before (a method of its own: its closure is made for a start, not for every message).</summary>
    private void OnNewStart(Start start)
    {
        var actor = Create(start.Key);
        if (_journal.Durable)
        {
            var sender = Sender;
            _registry.Add(start.Key.Value);
            Persist(new ConversationOpened(start.Key.Value, Context.System.Scheduler.Now), _ =>
            {
                actor.Tell(start, sender);
                SnapshotNowAndThen();
            });
        }
        else
        {
            actor.Forward(start);
        }
    }

    /// <inheritdoc />
    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case Start start when start.Validate() is { } problem:
            {
                Context.Answer(Sender, new CommandRejected(start.Key, start, problem.Reason, Kind: problem.Kind, Field: problem.Field));
                break;
            }

            case Start start when _conversations.TryGetValue(start.Key, out var entry):
            {
                // The conversation refuses a second start itself, saying in which state it is.
                entry.Actor.Forward(start);
                break;
            }

            case Start start:
            {
                OnNewStart(start);
                break;
            }

            case SaveSnapshotSuccess saved:
            {
                // The facts before the snapshot before this one: they are hundreds of facts old, where a
                // deleted row is no gap a reader of the journal near its head has to make sure of (MessageLog).
                if (_previousSnapshot > 0)
                {
                    DeleteMessages(_previousSnapshot);
                }

                _previousSnapshot = saved.Metadata.SequenceNr;
                break;
            }

            case SaveSnapshotFailure or DeleteMessagesSuccess or DeleteMessagesFailure:
                break;

            case IToConversation addressed:
            {
                if (_conversations.TryGetValue(addressed.Key, out var entry))
                {
                    entry.Actor.Forward(message);
                }
                else
                {
                    Context.Answer(Sender, new CommandRejected(addressed.Key, message, $"No conversation has the key {addressed.Key}", Kind: RejectionKind.UnknownKey));
                }

                break;
            }

            case StateChanged changed:
            {
                if (_conversations.TryGetValue(changed.Key, out var entry))
                {
                    _conversations[changed.Key] = entry with { State = changed.State };
                }

                break; // its subscribers heard it from the conversation
            }

            case Ended ended:
            {
                if (_conversations.TryGetValue(ended.Key, out var entry))
                {
                    _conversations[ended.Key] = entry with { EndReason = ended.Reason };
                }

                break;
            }

            case ListConversations or Cluster.ConversationDirectory.ListHere:
            {
                Sender.Tell(new ConversationList([.. _conversations.Select(c => new ConversationSummary(c.Key, c.Value.State, c.Value.EndReason))]));
                break;
            }

            case SubscribeAll subscribe:
            {
                _audience.Add(subscribe.Subscriber);
                Context.Watch(subscribe.Subscriber);
                break;
            }

            case UnsubscribeAll unsubscribe:
            {
                _audience.Remove(unsubscribe.Subscriber);
                break;
            }

            case Terminated terminated:
            {
                OnTerminated(terminated.ActorRef);
                break;
            }

            case SchedulerWarmedUp:
                break;

            default:
                Unhandled(message);
                break;
        }
    }

    private IActorRef Create(ConversationKey key)
    {
        var actor = Context.ActorOf(ConversationActor.Props(key, _api, _settings, _streams, _journal, _place), key.Value);
        Context.Watch(actor);
        _conversations[key] = new Entry(actor, ConversationState.New, null);
        _keysByActor[actor] = key;
        return actor;
    }

    private void OnTerminated(IActorRef actor)
    {
        if (_audience.Remove(actor) || !_keysByActor.Remove(actor, out var key))
        {
            return;
        }

        // Gone either way: ended and past its retention, or crashed (told as a failed end); the key is free again.
        _conversations.Remove(key, out var entry);
        if (_journal.Durable && _registry.Remove(key.Value))
        {
            Persist(new ConversationClosed(key.Value, Context.System.Scheduler.Now), _ => SnapshotNowAndThen());
        }

        // One that stopped while New never had a chat (a Start refused at capacity): nothing ended.
        if (entry!.EndReason is null && entry.State != ConversationState.New)
        {
            _log.Error("Conversation {ConversationKey} stopped unexpectedly in {State}", key, entry.State);
            Publish(new StateChanged(key, ConversationState.Failed));
            Publish(new Ended(key, ConversationEndReason.Failed));
        }
    }

    /// <summary>Every <see cref="SnapshotEvery"/> facts the registry is written whole and the facts before the snapshot before it deleted, so it never grows with the chats it once had.</summary>
    private void SnapshotNowAndThen()
    {
        if (++_factsSinceSnapshot >= SnapshotEvery)
        {
            _factsSinceSnapshot = 0;
            SaveSnapshot(new RegistrySnapshot([.. _registry]));
        }
    }

    /// <summary>Tells its subscribers what no conversation can tell them itself (one that stopped unexpectedly).</summary>
    private void Publish(object message) => _audience.Tell(message, Self);

    private sealed record Entry(IActorRef Actor, ConversationState State, ConversationEndReason? EndReason);

    private sealed record SchedulerWarmedUp
    {
        public static SchedulerWarmedUp Instance { get; } = new();
    }
}
