using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using GuestChat.Actors.Conversations.State;
using GuestChat.Actors.EventStreams;
using GuestChat.Actors.Persistence;
using GuestChat.Client;
using GuestChat.Client.Authentication;
using GuestChat.Client.Errors;
using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.Conversations.ConversationQueries;
using static GuestChat.Actors.EventStreams.EventStreamEvents;

namespace GuestChat.Actors.Conversations;

/// <summary>
/// One guest chat: owns its JWT, its REST calls (piped, never awaited) and its socket child, and
/// drives the chat through New, Creating, Connecting, Queued / Active, Reconnecting, Ending and
/// Ended / Failed. Keeps the promises of DESIGN.md to its subscribers: other members' messages once
/// and in order across drops (backfilled after every reconnect), its own echoes and heartbeats
/// filtered, members resolved once, typing with an expiry, media requests answered by command or
/// policy, sends acknowledged only when accepted (an unknown outcome checked against the transcript
/// before any retry), one end event with its reason, and no JWT in any log line.
/// <para>
/// This file holds its state and its behaviours (one method per state); the rest is split by concern:
/// <c>.Commands</c> (sends, typing, media, leaving), <c>.Frames</c> (the chat's events and messages),
/// <c>.Stream</c> (socket, timers, what every live state handles), <c>.Journal</c> (the end, the facts,
/// snapshots, resuming after a restart) and <c>.Messages</c> (its private data and messages). The pure
/// parts of its state live in <c>Conversations/State</c> and <c>Persistence/JournaledChat</c>.
/// </para>
/// </summary>
public sealed partial class ConversationActor : UntypedPersistentActor, IWithTimers
{
    private const string WatchdogTimer = "heartbeat-watchdog";
    private const string ReconnectTimer = "reconnect";
    private const string TypingTimer = "typing-window";
    private const string JwtTimer = "jwt";
    private const string RetentionTimer = "retention";
    private const string PersistenceIdPrefix = "conversation-";
    private const string BackfillTimer = "backfill-retry";
    private const string UnclaimedTimer = "unclaimed";

    /// <summary>How long a sharded conversation with nothing in its journal waits for its <see cref="Start"/> before asking to be stopped.</summary>
    private static readonly TimeSpan UnclaimedAfter = TimeSpan.FromSeconds(5);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ConversationKey _key;
    private readonly IGuestChatClient _api;
    private readonly ConversationSettings _settings;
    private readonly IEventStreamFactory _streams;
    private readonly ConversationJournal _journal;
    private readonly Action<MessageSeen> _messagePersisted, _toldMessagePersisted, _messageWritten;
    private readonly ConversationPlace _place;
    private bool _holdsPlace;
    private readonly JournaledChat _journaled = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly MemberDirectory _directory = new();
    private readonly TranscriptState _transcript;
    private readonly Queue<PendingDelivery> _deliveries = new();
    private readonly MessageIds _acceptedSends = new();
    private readonly SendQueue<QueuedSend> _sends = new();
    private readonly Dictionary<string, MediaRequestState> _mediaRequests = new(StringComparer.Ordinal);
    private readonly List<(End Command, IActorRef Requester)> _endRequesters = [];
    private ConversationState _state = ConversationState.New;
    private ConversationEndReason? _endReason;
    private GuestChatError? _endError;
    private long _nextSendId = 1;
    private long _snapshotAt;
    private bool _snapshotting;
    private readonly Dictionary<string, List<IActorRef>> _repeatsWaiting = new(StringComparer.Ordinal);
    private long _lastSequence;
    private readonly HashSet<string> _membersChangedSinceRefresh = new(StringComparer.Ordinal);

    /// <summary>The node it lives on (its actor system's address), as its status tells it.</summary>
    private readonly string _node = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();

    /// <summary>A conversation that waits for its <see cref="Start"/>, or resumes the chat its journal holds.</summary>
    public ConversationActor(ConversationKey key, IGuestChatClient api, ConversationSettings settings, IEventStreamFactory streams, ConversationJournal? journal = null, ConversationPlace? place = null)
    {
        _key = key;
        _api = api;
        _settings = settings;
        _streams = streams;
        _journal = journal ?? ConversationJournal.InMemory;
        _messagePersisted = seen => MessagePersisted(seen, told: false);
        _toldMessagePersisted = seen => MessagePersisted(seen, told: true);
        _messageWritten = MessageWritten;
        _place = place ?? ConversationPlace.Alone;
        _transcript = new TranscriptState(keepsEveryLine: !_journal.Durable);
        if (!_place.Directory.IsNobody() && _place.Audience is null)
        {
            _subscribers.Add(_place.Directory);
        }

        PersistenceId = PersistenceIdOf(key);
        Become(New);
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for one conversation.</summary>
    public static Props Props(ConversationKey key, IGuestChatClient api, ConversationSettings settings, IEventStreamFactory streams, ConversationJournal? journal = null, ConversationPlace? place = null) =>
        Akka.Actor.Props.Create(() => new ConversationActor(key, api, settings, streams, journal, place));

    /// <summary>The journal's id for a conversation's facts.</summary>
    public static string PersistenceIdOf(ConversationKey key) => PersistenceIdPrefix + key.Value;

    /// <summary>The key of the conversation a persistence id belongs to; null for another actor's.</summary>
    public static ConversationKey? KeyOf(string persistenceId) =>
        persistenceId.StartsWith(PersistenceIdPrefix, StringComparison.Ordinal) ? new ConversationKey(persistenceId[PersistenceIdPrefix.Length..]) : null;

    /// <inheritdoc />
    protected override void OnCommand(object message) => Unhandled(message);

    /// <inheritdoc />
    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case MessageSeen seen:
                Replay(seen, LastSequenceNr);
                break;
            case SnapshotOffer { Snapshot: ConversationSnapshot snapshot } offer:
                _journaled.Apply(snapshot);
                foreach (var accepted in snapshot.AcceptedSends)
                {
                    _acceptedSends.Add(accepted.Accepted.MessageId);
                }

                foreach (var kept in snapshot.Messages.OrderBy(m => m.Sequence))
                {
                    Replay(kept.Seen, kept.Sequence);
                }

                _snapshotAt = offer.Metadata.SequenceNr;
                break;
            case SendAccepted accepted:
                _acceptedSends.Add(accepted.MessageId);
                _journaled.Apply(accepted);
                break;
            case IConversationFact fact:
                _journaled.Apply(fact);
                break;
            case RecoveryCompleted:
                Resume();
                break;
        }
    }

    private void Replay(MessageSeen seen, long sequence)
    {
        _transcript.Apply(new TranscriptLine(seen.MessageId, seen.SenderId, seen.SenderRole, seen.Body, seen.BodyType, seen.Timestamp), fromStream: seen.Posted != true);
        _transcript.Number(seen.MessageId, sequence, seen.Posted == true);
        _lastSequence = Math.Max(_lastSequence, sequence);
    }

    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        switch (message)
        {
            case SaveSnapshotSuccess saved:
                // One snapshot is enough: the older ones go.
                _snapshotting = false;
                DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
                return true;
            case SaveSnapshotFailure failed:
                _snapshotting = false;
                _log.Warning("Conversation {ConversationKey} could not save a snapshot (it recovers from its facts instead): {Reason}", _key, failed.Cause.Message);
                return true;
            case DeleteSnapshotsSuccess or DeleteSnapshotsFailure:
                return true;
            case MessageReplay.Read read:
                // A query's messages read back from the journal: answered in whatever state the chat is in now.
                Answer(read);
                return true;
            case StopConversation:
                // Its shard moves elsewhere (a rebalance, or this node leaving): the socket closes with the
                // actor, the guest stays in the chat, and the conversation resumes from its journal there.
                Context.Stop(Self);
                return true;
        }

        // A command's own rules are checked here, in every state, before anything is sent or stashed.
        if (message is IConversationCommand command && command.Validate() is { } problem)
        {
            Answer(Sender, new CommandRejected(_key, message, problem.Reason, Kind: problem.Kind, Field: problem.Field));
            return true;
        }

        return base.AroundReceive(receive, message);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        if (_holdsPlace)
        {
            _place.Capacity.Release();
        }

        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    // ---- States ---------------------------------------------------------------------------------

    private void New(object message)
    {
        switch (message)
        {
            case Start start when !_place.Capacity.TryTake():
            {
                Answer(Sender, new CommandRejected(_key, start, $"This node holds {_place.Capacity.Held} conversations, its limit", Kind: RejectionKind.AtCapacity));
                StopHere();
                break;
            }

            case Start start:
            {
                _holdsPlace = true;
                Timers.Cancel(UnclaimedTimer);
                var starter = Sender;
                // An authenticated guest's token is a credential: written only encrypted, like the JWT.
                var atRest = start.Request.MemberAuthToken is { } token ? start.Request with { MemberAuthToken = _journal.Secrets.Protect(token) } : start.Request;
                Record(new ChatRequested(atRest, Now), _ => Create(start, starter, attempt: 1));
                Enter(ConversationState.Creating);
                Become(Creating);
                break;
            }

            case IToConversation when _place.Sharded:
            {
                // A cluster starts an entity for any message; one that was never started has no chat.
                Answer(Sender, new CommandRejected(_key, message, $"No conversation has the key {_key}", Kind: RejectionKind.UnknownKey));
                break;
            }

            case Unclaimed:
            {
                StopHere();
                break;
            }

            default:
                StashCommandOrServeCommon(message);
                break;
        }
    }

    private void Creating(object message)
    {
        switch (message)
        {
            case CreateCompleted { Result.IsSuccess: true } created:
            {
                var chat = created.Result.Value!;
                var jwt = new GuestJwt(chat.Jwt!);
                var session = new Session(chat.Id!, chat.Member!.Id!, jwt, new EventStreamAddress(chat.EventStreamUri!, jwt));
                _log.Info("Conversation {ConversationKey} created as {ConversationId}, member {MemberId}", _key, session.ConversationId, session.MemberId);
                CurrentSession = session;
                Enter(ConversationState.Connecting);
                Become(m => Connecting(session, m));
                Record(new ChatCreated(session.ConversationId, session.MemberId, _journal.Secrets.Protect(chat.Jwt!), chat.EventStreamUri!, Now), told: true, _ =>
                {
                    // Only once the chat is written down is it announced: a restart then resumes it, never loses it.
                    _journaled.ReleaseSecrets();
                    Answer(created.Starter, new Started(_key, session.ConversationId, session.MemberId));
                    Publish(new Started(_key, session.ConversationId, session.MemberId));
                    StartJwtTimers(session);
                    OpenStream(session);
                });
                break;
            }

            case CreateCompleted { Result.Error.Kind: not FailureKind.Final } unsure when unsure.Attempt < _settings.SendAttempts:
            {
                // Creating again is safe where sending again is not: a chat is not routed until its socket
                // is attached, so a chat created twice leaves only an unattached orphan that the server abandons.
                _log.Info("Conversation {ConversationKey} create not confirmed ({Code}); creating again", _key, unsure.Result.Error!.Code);
                Create(unsure.Command, unsure.Starter, unsure.Attempt + 1);
                break;
            }

            case CreateCompleted failed:
            {
                Answer(failed.Starter, new CommandRejected(_key, failed.Command, $"Genesys refused the chat: {failed.Result.Error!.Code}", failed.Result.Error));
                Finish(ConversationEndReason.Failed, failed.Result.Error, failed: true);
                break;
            }

            default:
                StashCommandOrServeCommon(message);
                break;
        }
    }

    private void Connecting(Session session, object message)
    {
        switch (message)
        {
            case FrameReceived frame when frame.Incarnation == session.Incarnation:
            {
                OnFrame(session, frame.Event);
                if (session.GuestConnected)
                {
                    BecomeAttached(session);
                }

                break;
            }

            default:
                if (!HandleStreamAndCommon(session, message))
                {
                    StashCommandOrServeCommon(message);
                }

                break;
        }
    }

    private void Attached(Session session, object message)
    {
        switch (message)
        {
            case FrameReceived frame when frame.Incarnation == session.Incarnation:
            {
                OnFrame(session, frame.Event);
                UpdateAttachedState(session);
                break;
            }

            default:
                if (!HandleStreamAndCommon(session, message) && !ServeCommand(session, message))
                {
                    ServeCommon(message);
                }

                break;
        }
    }

    private void Reconnecting(Session session, ReconnectBackoff backoff, object message)
    {
        switch (message)
        {
            case ReconnectTick:
            {
                if (backoff.WindowClosed(Now, _settings.ReconnectWindow))
                {
                    _log.Warning("Conversation {ConversationKey} could not reconnect within {ReconnectWindow}", _key, _settings.ReconnectWindow);
                    Finish(ConversationEndReason.Abandoned, null, failed: false);
                    break;
                }

                if (backoff.ChecksMembership)
                {
                    // Sockets that keep failing may mean the chat is over; ask before trying on.
                    CheckOwnMember(session);
                }

                OpenStream(session);
                break;
            }

            case Opened opened when opened.Incarnation == session.Incarnation:
            {
                Heard(session);
                Become(m => Backfilling(session, 1, m));
                RequestBackfill(session, _transcript.BackfillAfterMessageId);
                break;
            }

            case Closed closed when closed.Incarnation == session.Incarnation:
            {
                Context.Unwatch(session.Stream);
                if (closed.Reason == CloseReason.ClosedByServer)
                {
                    CheckOwnMember(session);
                }

                ScheduleReconnect(session, backoff.Failed());
                break;
            }

            case WatchdogExpired expired when expired.Incarnation == session.Incarnation:
            {
                if (SilentTooLong(session))
                {
                    Context.Unwatch(session.Stream);
                    Context.Stop(session.Stream);
                    ScheduleReconnect(session, backoff.Failed());
                }

                break;
            }

            case FrameReceived frame when frame.Incarnation == session.Incarnation:
            {
                Stash.Stash();
                break;
            }

            default:
                if (!HandleStreamAndCommon(session, message) && !ServeCommand(session, message))
                {
                    ServeCommon(message);
                }

                break;
        }
    }

    private void Backfilling(Session session, int attempt, object message)
    {
        switch (message)
        {
            case BackfillCompleted { Result.IsSuccess: true } page:
            {
                foreach (var entry in page.Result.Value!.Entities ?? [])
                {
                    OnMessage(session, entry.Id, entry.Sender?.Id, entry.Body, entry.BodyType, entry.Timestamp);
                }

                if ((page.Result.Value.Entities?.Count ?? 0) >= _settings.BackfillPageSize)
                {
                    RequestBackfill(session, _transcript.BackfillAfterMessageId);
                    break;
                }

                BecomeAttached(session);
                // Who joined, left or answered while the socket was away is not in the backfill (member
                // changes are not messages): asked now, with the socket attached, nothing falls between.
                RefreshMembers(session);
                break;
            }

            case BackfillCompleted { Result.Error.Kind: not FailureKind.Final } busy when attempt < _settings.SendAttempts:
            {
                // The socket is fine and Genesys only asked us to come back: keep the socket (its frames wait
                // in the stash) and ask again, rather than drop it and add a reconnect to the load.
                var delay = TimeSpan.FromMilliseconds(Math.Min(_settings.ReconnectMaxDelay.TotalMilliseconds, _settings.ReconnectBaseDelay.TotalMilliseconds * Math.Pow(2, attempt)));
                _log.Info("Conversation {ConversationKey} backfill not answered ({Code}); asking again in {Delay}", _key, busy.Result.Error!.Code, delay);
                Timers.StartSingleTimer(BackfillTimer, BackfillRetry.Instance, delay);
                Become(m => Backfilling(session, attempt + 1, m));
                break;
            }

            case BackfillRetry:
            {
                RequestBackfill(session, _transcript.BackfillAfterMessageId);
                break;
            }

            case BackfillCompleted failed:
            {
                _log.Warning("Conversation {ConversationKey} backfill failed: {Code}", _key, failed.Result.Error!.Code);
                if (IsExpiredJwt(failed.Result.Error))
                {
                    Finish(ConversationEndReason.JwtExpired, failed.Result.Error, failed: false);
                    break;
                }

                Context.Unwatch(session.Stream);
                Context.Stop(session.Stream);
                ScheduleReconnect(session, ReconnectBackoff.Begin(Now));
                break;
            }

            case Closed closed when closed.Incarnation == session.Incarnation:
            {
                Context.Unwatch(session.Stream);
                ScheduleReconnect(session, ReconnectBackoff.Begin(Now));
                break;
            }

            default:
                if (message is GetStatus or GetTranscript or Subscribe or Unsubscribe or Terminated or MemberResolved or MembersRefreshed or JwtWarning or JwtExpired)
                {
                    HandleStreamAndCommon(session, message);
                    ServeCommon(message);
                }
                else
                {
                    Stash.Stash();
                }

                break;
        }
    }

    private void Ending(Session session, object message)
    {
        switch (message)
        {
            case LeaveCompleted left when left.Result.IsSuccess || left.Result.Error!.Code == ErrorCodes.MemberState:
            {
                Finish(ConversationEndReason.GuestLeft, null, failed: false);
                break;
            }

            case LeaveCompleted { Result.Error.Kind: not FailureKind.Final } unsure when session.LeaveAttempts < _settings.SendAttempts:
            {
                // Leaving again is harmless: once it has happened, the repeat answers chat.error.member.state.
                _log.Info("Conversation {ConversationKey} leave not confirmed ({Code}); trying again", _key, unsure.Result.Error!.Code);
                Leave(session);
                break;
            }

            case LeaveCompleted failed:
            {
                foreach (var (command, waiting) in _endRequesters)
                {
                    Answer(waiting, new CommandRejected(_key, command, $"Leaving failed: {failed.Result.Error!.Code}", failed.Result.Error));
                }

                _endRequesters.Clear();
                session.Leaving = false;
                if (session.StreamLost)
                {
                    session.StreamLost = false;
                    ScheduleReconnect(session, ReconnectBackoff.Begin(Now));
                }
                else
                {
                    BecomeAttached(session);
                }

                Stash.UnstashAll();
                break;
            }

            case FrameReceived frame when frame.Incarnation == session.Incarnation:
            {
                OnFrame(session, frame.Event);
                break;
            }

            case End another:
            {
                _endRequesters.Add((another, Sender));
                break;
            }

            case SendCompleted or SendCheckCompleted or MediaAnswerCompleted or MediaAnswerChecked or TypingCompleted:
            {
                // What was on its way when the guest asked to leave still gets its answer.
                ServeCommand(session, message);
                break;
            }

            case Closed or WatchdogExpired:
            case Terminated terminated when terminated.ActorRef.Equals(session.Stream):
            {
                // Leaving does not need the socket: the DELETE's answer decides. Reconnect only if it fails.
                Context.Unwatch(session.Stream);
                Timers.Cancel(WatchdogTimer);
                session.StreamLost = true;
                break;
            }

            default:
                if (!HandleStreamAndCommon(session, message))
                {
                    StashCommandOrServeCommon(message);
                }

                break;
        }
    }

    private void Finished(object message)
    {
        switch (message)
        {
            case Start:
            {
                Answer(Sender, new CommandRejected(_key, message, $"The conversation {_key} already exists ({_state}, {_endReason}); its key is free once its retention is over", Kind: RejectionKind.AlreadyExists));
                break;
            }

            case SendMessage or SendTyping or AnswerMediaRequest or End:
            {
                Answer(Sender, new CommandRejected(_key, message, $"The conversation has ended ({_endReason})", _endError, RejectionKind.Ended));
                break;
            }

            case SendCompleted { Result: { IsSuccess: true, Value: { Id: not null } posted } } late:
            {
                // Genesys took it just before the chat ended: it was sent, and the transcript shows it.
                _acceptedSends.Add(posted.Id);
                Record(new SendAccepted(late.SendId, posted.Id, posted.Timestamp ?? Now), _ =>
                    Answer(late.Requester, new MessageAccepted(_key, late.Command.ClientMessageId, posted.Id, posted.Timestamp ?? Now)));
                break;
            }

            case SendCompleted or SendCheckCompleted:
            {
                var sent = message as SendCompleted ?? ((SendCheckCompleted)message).Send;
                GiveUpSend(null, sent, new CommandRejected(_key, sent.Command, $"The conversation ended ({_endReason}) before the message was confirmed", _endError, RejectionKind.Ended));
                break;
            }

            case RetentionOver when _journal.Durable:
            {
                // Its transcript and state have been readable for EndedRetention; then its facts go too,
                // so the database does not grow without bound, and the actor stops.
                DeleteMessages(LastSequenceNr);
                if (_snapshotAt > 0)
                {
                    DeleteSnapshots(new SnapshotSelectionCriteria(long.MaxValue));
                }

                break;
            }

            case RetentionOver:
            case DeleteMessagesSuccess:
            {
                // A long-running service would otherwise hold every chat it ever had.
                StopHere();
                break;
            }

            case DeleteMessagesFailure failure:
            {
                _log.Warning("Conversation {ConversationKey} could not delete its journal: {Reason}", _key, failure.Cause.Message);
                StopHere();
                break;
            }

            default:
                ServeCommon(message);
                break;
        }
    }

    private void Enter(ConversationState state)
    {
        _state = state;
        Publish(new StateChanged(_key, state));
    }

    /// <summary>
    /// Tells an event to the conversation's own subscribers and the node's: to the node's audience straight
    /// (one hop, in this conversation's order), with the directory told what it keeps; or, without an
    /// audience (a cluster), to the directory, which passes every event on.
    /// </summary>
    private void Publish(object message)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Tell(message);
        }

        if (_place.Audience is { } audience)
        {
            audience.Tell(message, Self);
            if (message is StateChanged or Ended)
            {
                _place.Directory.Tell(message);
            }
        }
    }

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    /// <summary>
    /// Stops for good (never started, refused, or ended and past its retention). A sharded conversation
    /// asks its shard, which forgets it (so it is not started again elsewhere) and sends it
    /// <see cref="StopConversation"/>; any other stops itself.
    /// </summary>
    private void StopHere()
    {
        if (_place.Sharded)
        {
            Context.Parent.Tell(new Akka.Cluster.Sharding.Passivate(StopConversation.Instance));
        }
        else
        {
            Context.Stop(Self);
        }
    }

    /// <summary>Answers a command's sender; a command that was told without a sender gets no answer (and no dead letter).</summary>
    private void Answer(IActorRef requester, object answer) => Context.Answer(requester, answer);

    private static bool IsExpiredJwt(GuestChatError? error) => error?.Code == ErrorCodes.CredentialsExpired;
}
