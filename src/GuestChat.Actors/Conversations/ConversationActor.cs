using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using GuestChat.Actors.Conversations.State;
using GuestChat.Actors.EventStreams;
using GuestChat.Actors.Persistence;
using GuestChat.Client;
using GuestChat.Client.Authentication;
using GuestChat.Client.Errors;
using GuestChat.Client.Events;
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
/// </summary>
public sealed class ConversationActor : UntypedPersistentActor, IWithTimers
{
    private const string WatchdogTimer = "heartbeat-watchdog";
    private const string ReconnectTimer = "reconnect";
    private const string TypingTimer = "typing-window";
    private const string JwtWarningTimer = "jwt-warning";
    private const string JwtExpiryTimer = "jwt-expiry";
    private const string RetentionTimer = "retention";
    private const string PersistenceIdPrefix = "conversation-";
    private const string BackfillTimer = "backfill-retry";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ConversationKey _key;
    private readonly IGuestChatClient _api;
    private readonly ConversationSettings _settings;
    private readonly IEventStreamFactory _streams;
    private readonly ConversationJournal _journal;
    private readonly JournaledChat _journaled = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly MemberDirectory _directory = new();
    private readonly TranscriptState _transcript = new();
    private readonly Queue<PendingDelivery> _deliveries = new();
    private readonly HashSet<string> _acceptedSends = new(StringComparer.Ordinal);
    private readonly SendQueue<QueuedSend> _sends = new();
    private readonly Dictionary<string, MediaRequestState> _mediaRequests = new(StringComparer.Ordinal);
    private readonly List<(End Command, IActorRef Requester)> _endRequesters = [];
    private ConversationState _state = ConversationState.New;
    private ConversationEndReason? _endReason;
    private GuestChatError? _endError;
    private long _nextSendId = 1;
    private long _snapshotAt;
    private readonly Dictionary<string, List<IActorRef>> _repeatsWaiting = new(StringComparer.Ordinal);
    private long _lastSequence;

    /// <summary>A conversation that waits for its <see cref="Start"/>, or resumes the chat its journal holds.</summary>
    public ConversationActor(ConversationKey key, IGuestChatClient api, ConversationSettings settings, IEventStreamFactory streams, ConversationJournal? journal = null)
    {
        _key = key;
        _api = api;
        _settings = settings;
        _streams = streams;
        _journal = journal ?? ConversationJournal.InMemory;
        PersistenceId = PersistenceIdOf(key);
        Become(New);
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for one conversation.</summary>
    public static Props Props(ConversationKey key, IGuestChatClient api, ConversationSettings settings, IEventStreamFactory streams, ConversationJournal? journal = null) =>
        Akka.Actor.Props.Create(() => new ConversationActor(key, api, settings, streams, journal));

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
                _acceptedSends.UnionWith(snapshot.AcceptedSends.Select(a => a.Accepted.MessageId));
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
                DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
                return true;
            case SaveSnapshotFailure failed:
                _log.Warning("Conversation {ConversationKey} could not save a snapshot (it recovers from its facts instead): {Reason}", _key, failed.Cause.Message);
                return true;
            case DeleteSnapshotsSuccess or DeleteSnapshotsFailure:
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
        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    // ---- States ---------------------------------------------------------------------------------

    private void New(object message)
    {
        switch (message)
        {
            case Start start:
            {
                var starter = Sender;
                // An authenticated guest's token is a credential: written only encrypted, like the JWT.
                var atRest = start.Request.MemberAuthToken is { } token ? start.Request with { MemberAuthToken = _journal.Secrets.Protect(token) } : start.Request;
                Record(new ChatRequested(atRest, Now), _ => Create(start, starter, attempt: 1));
                Enter(ConversationState.Creating);
                Become(Creating);
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
                var session = new Session(chat.Id!, chat.Member!.Id!, new GuestJwt(chat.Jwt!), new EventStreamAddress(new Uri(chat.EventStreamUri!)));
                _log.Info("Conversation {ConversationKey} created as {ConversationId}, member {MemberId}", _key, session.ConversationId, session.MemberId);
                Enter(ConversationState.Connecting);
                Become(m => Connecting(session, m));
                Record(new ChatCreated(session.ConversationId, session.MemberId, _journal.Secrets.Protect(chat.Jwt!), chat.EventStreamUri!, Now), _ =>
                {
                    // Only once the chat is written down is it announced: a restart then resumes it, never loses it.
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
                RestartWatchdog(session);
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
                Context.Unwatch(session.Stream);
                Context.Stop(session.Stream);
                ScheduleReconnect(session, backoff.Failed());
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
                Context.Stop(Self);
                break;
            }

            case DeleteMessagesFailure failure:
            {
                _log.Warning("Conversation {ConversationKey} could not delete its journal: {Reason}", _key, failure.Cause.Message);
                Context.Stop(Self);
                break;
            }

            default:
                ServeCommon(message);
                break;
        }
    }

    // ---- Commands (Queued, Active, Reconnecting) ----------------------------------------------------

    private bool ServeCommand(Session session, object message)
    {
        switch (message)
        {
            case SendMessage { ClientMessageId: { } clientId } repeat when _journaled.AcceptedByClientId.TryGetValue(clientId, out var done):
            {
                // The same send again (a caller retrying after a lost answer or a restart): answered as
                // the first was, and not posted twice.
                Answer(Sender, new MessageAccepted(_key, clientId, done.MessageId, done.Timestamp));
                return true;
            }

            case SendMessage { ClientMessageId: { } clientId } when _repeatsWaiting.TryGetValue(clientId, out var waiting):
            {
                waiting.Add(Sender);
                return true;
            }

            case SendMessage send:
            {
                if (send.ClientMessageId is { } newClientId)
                {
                    _repeatsWaiting[newClientId] = [];
                }

                var queued = new QueuedSend(send, Sender, Interrupted: null);
                if (_sends.Offer(queued))
                {
                    BeginSend(session, queued);
                }

                return true;
            }

            case SendCompleted completed:
            {
                OnSendCompleted(session, completed);
                return true;
            }

            case SendCheckCompleted check:
            {
                OnSendChecked(session, check);
                return true;
            }

            case SendTyping typing:
            {
                OnTypingRequested(session);
                Answer(Sender, new CommandAccepted(_key, typing));
                return true;
            }

            case TypingWindowOpened:
            {
                session.Typing = session.Typing.TrailingSent(Now);
                SendTypingNow(session);
                return true;
            }

            case TypingCompleted typing:
            {
                if (typing.Result.Error is { } error)
                {
                    _log.Debug("Conversation {ConversationKey} typing not sent: {Code}", _key, error.Code);
                }

                return true;
            }

            case AnswerMediaRequest answer when _mediaRequests.TryGetValue(answer.MediaRequestId, out var known) && known != MediaRequestState.Pending:
            {
                Answer(Sender, new CommandRejected(_key, answer, $"The media request {answer.MediaRequestId} is already {known}", Kind: RejectionKind.Conflict, Field: "mediaRequestId"));
                return true;
            }

            case AnswerMediaRequest answer:
            {
                AnswerMedia(session, answer.MediaRequestId, answer.Decision, new MediaAnswer(answer, Sender, 1));
                return true;
            }

            case MediaAnswerCompleted answered:
            {
                OnMediaAnswered(session, answered);
                return true;
            }

            case MediaAnswerChecked check:
            {
                OnMediaAnswerChecked(session, check);
                return true;
            }

            case End end:
            {
                _endRequesters.Add((end, Sender));
                session.Leaving = true;
                Leave(session);
                Enter(ConversationState.Ending);
                Become(m => Ending(session, m));
                return true;
            }

            default:
                return false;
        }
    }

    private void Create(Start start, IActorRef starter, int attempt) =>
        _api.CreateConversationAsync(start.Request, _lifetime.Token)
            .PipeTo(Self, success: result => new CreateCompleted(result, starter, start, attempt));

    private void Leave(Session session)
    {
        session.LeaveAttempts++;
        _api.RemoveMemberAsync(session.Jwt, session.ConversationId, session.MemberId, _lifetime.Token)
            .PipeTo(Self, success: result => new LeaveCompleted(result));
    }

    /// <summary>
    /// A send's turn has come. A new one is written down as intended before it is posted; one the
    /// journal held without an outcome (the process died meanwhile) is looked for in the transcript first.
    /// </summary>
    private void BeginSend(Session session, QueuedSend queued)
    {
        if (queued.Interrupted is { } intent)
        {
            _log.Info("Conversation {ConversationKey} looks for send {SendId}, cut short by a restart, before sending it again", _key, intent.SendId);
            var unknown = GuestChatResult<WebChatMessage>.Failure(new GuestChatError
            {
                Operation = "postWebchatGuestConversationMemberMessages",
                Kind = FailureKind.OutcomeUnknown,
                Code = "service.restarted",
                Message = "The service stopped before the send's outcome was written.",
            });
            CheckSend(session, new SendCompleted(queued.Command, queued.Requester, intent.SendId, 1, intent.At, unknown));
            return;
        }

        var sendId = _nextSendId++;
        var command = queued.Command;
        Record(new SendIntended(sendId, command.Body, command.BodyType, command.ClientMessageId, Now), intended =>
            StartSend(session, command, queued.Requester, sendId, attempt: 1, intended.At));
    }

    private void StartSend(Session session, SendMessage send, IActorRef requester, long sendId, int attempt, DateTimeOffset? firstTried = null)
    {
        var startedAt = firstTried ?? Now;
        _api.SendMessageAsync(session.Jwt, session.ConversationId, session.MemberId, new CreateWebChatMessageRequest { Body = send.Body, BodyType = send.BodyType }, _lifetime.Token)
            .PipeTo(Self, success: result => new SendCompleted(send, requester, sendId, attempt, startedAt, result));
    }

    private void CheckSend(Session session, SendCompleted completed) =>
        _api.GetMessagesAsync(session.Jwt, session.ConversationId, new MessagePageQuery(Descending: true, MaxResults: _settings.SendCheckDepth), _lifetime.Token)
            .PipeTo(Self, success: result => new SendCheckCompleted(completed, result));

    /// <summary>A send will not be tried again: written down, answered, and the next one may go.</summary>
    private void GiveUpSend(Session? session, SendCompleted sent, CommandRejected rejection)
    {
        Record(new SendGivenUp(sent.SendId, rejection.Error?.Code ?? rejection.Kind.ToString()), _ =>
        {
            Answer(sent.Requester, rejection);
            if (sent.Command.ClientMessageId is { } clientId && _repeatsWaiting.Remove(clientId, out var repeats))
            {
                repeats.ForEach(r => Answer(r, rejection));
            }

            if (session is not null && _state is not (ConversationState.Ended or ConversationState.Failed))
            {
                StartNextSend(session);
            }
        });
    }

    private void OnSendCompleted(Session session, SendCompleted completed)
    {
        if (completed.Result is { IsSuccess: true, Value: var message })
        {
            Accept(session, completed, message!);
            return;
        }

        var error = completed.Result.Error!;
        if (error.Kind == FailureKind.OutcomeUnknown)
        {
            // Promise 6: look before sending again, so the agent never sees it twice.
            _log.Info("Conversation {ConversationKey} send outcome unknown ({Code}); checking the transcript", _key, error.Code);
            CheckSend(session, completed);
            return;
        }

        if (IsExpiredJwt(error))
        {
            GiveUpSend(null, completed, new CommandRejected(_key, completed.Command, "The JWT has expired", error));
            Finish(ConversationEndReason.JwtExpired, error, failed: false);
            return;
        }

        GiveUpSend(session, completed, new CommandRejected(_key, completed.Command, $"Genesys refused the message: {error.Code}", error));
    }

    private void OnSendChecked(Session session, SendCheckCompleted check)
    {
        var sent = check.Send;
        var found = TranscriptState.FindSend(check.Result.Value?.Entities ?? [], session.MemberId, sent.Command.Body, sent.StartedAt, _acceptedSends.Contains);
        if (found is not null)
        {
            Accept(session, sent, found);
            return;
        }

        if (check.Result.IsSuccess && sent.Attempt < _settings.SendAttempts)
        {
            StartSend(session, sent.Command, sent.Requester, sent.SendId, sent.Attempt + 1);
            return;
        }

        GiveUpSend(session, sent, new CommandRejected(_key, sent.Command, "The message could not be confirmed as sent", sent.Result.Error ?? check.Result.Error));
    }

    private void Accept(Session session, SendCompleted sent, WebChatMessage message)
    {
        _acceptedSends.Add(message.Id!);
        OnMessage(session, message.Id, session.MemberId, message.Body, message.BodyType, message.Timestamp, fromStream: false);

        // Genesys has it, which is the fact that matters: the caller hears it now, and the write follows.
        // Should the process die before it is written, recovery finds the message in the transcript.
        var accepted = new SendAccepted(sent.SendId, message.Id!, message.Timestamp ?? Now);
        var answer = new MessageAccepted(_key, sent.Command.ClientMessageId, message.Id!, message.Timestamp ?? Now);
        Answer(sent.Requester, answer);
        if (sent.Command.ClientMessageId is { } clientId)
        {
            _journaled.AcceptedByClientId[clientId] = accepted;
            if (_repeatsWaiting.Remove(clientId, out var repeats))
            {
                repeats.ForEach(r => Answer(r, answer));
            }
        }

        RecordAfter(accepted);
        StartNextSend(session);
    }

    /// <summary>The send in flight is done; the next waiting one goes now (one at a time keeps the guest's order).</summary>
    private void StartNextSend(Session session)
    {
        if (_sends.TryNext(out var next))
        {
            BeginSend(session, next);
        }
    }

    private void OnTypingRequested(Session session)
    {
        // Coalesced: one trailing indicator when the window opens, however many were asked for.
        var step = session.Typing.Request(Now, _settings.TypingInterval);
        session.Typing = step.Next;
        if (step.SendNow)
        {
            SendTypingNow(session);
        }
        else if (step.SendAfter is { } after)
        {
            Timers.StartSingleTimer(TypingTimer, TypingWindowOpened.Instance, after);
        }
    }

    private void SendTypingNow(Session session) =>
        _api.SendTypingAsync(session.Jwt, session.ConversationId, session.MemberId, _lifetime.Token)
            .PipeTo(Self, success: result => new TypingCompleted(result));

    private void AnswerMedia(Session session, string mediaRequestId, MediaRequestDecision decision, MediaAnswer? requested)
    {
        if (decision == MediaRequestDecision.Ask)
        {
            return;
        }

        var answer = new WebChatGuestMediaRequest { State = StateFor(decision) };
        _api.UpdateMediaRequestAsync(session.Jwt, session.ConversationId, mediaRequestId, answer, _lifetime.Token)
            .PipeTo(Self, success: result => new MediaAnswerCompleted(mediaRequestId, decision, result, requested));
    }

    private void OnMediaAnswered(Session session, MediaAnswerCompleted answered)
    {
        var requested = answered.Requested;
        if (answered.Result is { IsSuccess: true, Value: var request })
        {
            _mediaRequests[answered.MediaRequestId] = request?.State ?? StateFor(answered.Decision);
            if (requested is not null)
            {
                Answer(requested.Requester, new CommandAccepted(_key, requested.Command));
            }

            return;
        }

        var error = answered.Result.Error!;
        if (error.Kind == FailureKind.OutcomeUnknown)
        {
            // Look before answering again: a repeat of an answer that arrived is refused as not PENDING.
            _api.GetMediaRequestAsync(session.Jwt, session.ConversationId, answered.MediaRequestId, _lifetime.Token)
                .PipeTo(Self, success: result => new MediaAnswerChecked(answered, result));
            return;
        }

        _log.Info("Conversation {ConversationKey} media answer for {MediaRequestId} refused: {Code}", _key, answered.MediaRequestId, error.Code);
        if (requested is not null)
        {
            Answer(requested.Requester, error.Status switch
            {
                404 => new CommandRejected(_key, requested.Command, $"The chat has no media request {answered.MediaRequestId}", error, RejectionKind.NotFound, "mediaRequestId"),
                400 when error.Field == "state" => new CommandRejected(_key, requested.Command, $"The media request {answered.MediaRequestId} is no longer PENDING", error, RejectionKind.Conflict, "mediaRequestId"),
                _ => new CommandRejected(_key, requested.Command, $"Genesys refused the answer: {error.Code}", error),
            });
        }
    }

    private void OnMediaAnswerChecked(Session session, MediaAnswerChecked check)
    {
        var answered = check.Answered;
        var requested = answered.Requested;
        var state = check.Result.Value?.State;
        if (state == MediaRequestState.Pending && (requested?.Attempt ?? 1) < _settings.SendAttempts)
        {
            AnswerMedia(session, answered.MediaRequestId, answered.Decision, requested is null ? null : requested with { Attempt = requested.Attempt + 1 });
            return;
        }

        if (state is { } known)
        {
            _mediaRequests[answered.MediaRequestId] = known;
        }

        if (requested is null)
        {
            return;
        }

        Answer(requested.Requester, state == StateFor(answered.Decision)
            ? new CommandAccepted(_key, requested.Command)
            : state is { } other && other != MediaRequestState.Pending
                ? new CommandRejected(_key, requested.Command, $"The media request {answered.MediaRequestId} is {other}", Kind: RejectionKind.Conflict, Field: "mediaRequestId")
                : new CommandRejected(_key, requested.Command, "The answer could not be confirmed", answered.Result.Error ?? check.Result.Error));
    }

    private static MediaRequestState StateFor(MediaRequestDecision decision) =>
        decision == MediaRequestDecision.Accept ? MediaRequestState.Accepted : MediaRequestState.Declined;

    // ---- Frames -------------------------------------------------------------------------------------

    private void OnFrame(Session session, StreamEvent streamEvent)
    {
        RestartWatchdog(session);
        switch (streamEvent)
        {
            case HeartbeatEvent:
                break;

            case MemberChangeEvent change:
                OnMemberChange(session, change);
                break;

            case MessageEvent message:
                OnMessage(session, message.MessageId, message.SenderId, message.Body, message.BodyType, message.Timestamp);
                break;

            case TypingEvent typing when typing.SenderId != session.MemberId:
                Deliver(typing.SenderId, member => new Typing(_key, member, Now + _settings.AgentTypingExpiry));
                break;

            case TypingEvent:
                break;

            case UnknownEvent unknown:
                _log.Info("Conversation {ConversationKey} ignored an unknown frame on {Topic}: {Detail}", _key, unknown.Topic, unknown.Detail);
                break;

            case UnparseableFrame bad:
                _log.Warning("Conversation {ConversationKey} skipped a malformed frame: {Reason}", _key, bad.Reason);
                break;
        }
    }

    private void OnMemberChange(Session session, MemberChangeEvent change)
    {
        if (change.MemberId == session.MemberId)
        {
            if (change.State == MemberState.Connected)
            {
                session.GuestConnected = true;
            }
            else if (change.State == MemberState.Disconnected)
            {
                Finish(session.Leaving ? ConversationEndReason.GuestLeft : ConversationEndReason.AgentEnded, null, failed: false);
            }

            return;
        }

        if (_directory.Observe(change.MemberId, change.State))
        {
            Deliver(change.MemberId, member => new MemberChanged(_key, _directory.ChangeState(member, change.State)), change.State);
        }
    }

    private void OnMessage(Session session, string? id, string? senderId, string? body, BodyType? bodyType, DateTimeOffset? timestamp, bool fromStream = true)
    {
        var type = bodyType ?? BodyType.Standard;
        var at = timestamp ?? Now;
        var line = id is null || senderId is null ? null : new TranscriptLine(id, senderId, senderId == session.MemberId ? MemberRole.Customer : _directory.Find(senderId)?.Role, body ?? "", type, at);
        if (line is null || !_transcript.Apply(line, fromStream))
        {
            return;
        }

        // Written before it is told: a restart backfills from the newest message written, so what
        // subscribers heard is in the journal, and what is not in it is fetched again.
        var seen = new MessageSeen(line.MessageId, line.SenderId, line.SenderRole, line.Body, line.BodyType, line.Timestamp, fromStream ? null : true);
        if (!fromStream)
        {
            // The guest's own message, from its POST's answer: nobody is told, so nothing waits for the write.
            RecordAfter(seen, () => _transcript.Number(line.MessageId, LastSequenceNr, posted: true));
            return;
        }

        // A message subscribers will be told is tagged, so a reader of every chat can follow them in the journal (MessageLog).
        var told = line.SenderId != session.MemberId && line.BodyType is BodyType.Standard or BodyType.Notice;
        Record(seen, told ? MessageLog.Tag : null, _ =>
        {
            // Its place in the journal when there is one (so it survives a restart), a count otherwise.
            _lastSequence = _journal.Durable ? LastSequenceNr : _lastSequence + 1;
            _transcript.Number(line.MessageId, _lastSequence, posted: false);
            Announce(session, line);
        });
    }

    private void Announce(Session session, TranscriptLine line)
    {
        var (id, senderId, body, type, at) = (line.MessageId, line.SenderId, line.Body, line.BodyType, line.Timestamp);
        if (senderId == session.MemberId)
        {
            return;
        }

        switch (type)
        {
            case BodyType.Standard or BodyType.Notice:
                var sequence = _transcript.SequenceOf(id);
                Deliver(senderId, member => new MessageReceived(_key, id, member, body ?? "", type, at, sequence));
                break;

            case BodyType.MediaRequest when body is { Length: > 0 } mediaRequestId:
                _api.GetMediaRequestAsync(session.Jwt, session.ConversationId, mediaRequestId, _lifetime.Token)
                    .PipeTo(Self, success: result => new MediaRequestRead(result));
                break;

            default:
                // member-join and member-leave repeat member-change events, which are the ones acted on.
                break;
        }
    }

    /// <summary>The messages subscribers were told (from other members, standard or notice) after a sequence number, in order.</summary>
    private List<MessageReceived> MessagesAfter(long sequence)
    {
        return [.. _transcript.Lines
            .Where(l => l.SenderRole != MemberRole.Customer && l.BodyType is BodyType.Standard or BodyType.Notice && _transcript.SequenceOf(l.MessageId) > sequence)
            .Select(l => new MessageReceived(_key, l.MessageId, _directory.Find(l.SenderId) ?? new Member(l.SenderId, l.SenderRole, null, MemberState.Connected), l.Body, l.BodyType, l.Timestamp, _transcript.SequenceOf(l.MessageId)))
            .OrderBy(m => m.Sequence)];
    }

    /// <summary>Queues an event that names a member; events go out in order once their members are resolved.</summary>
    private void Deliver(string memberId, Func<Member, object> make, MemberState? state = null)
    {
        _deliveries.Enqueue(new PendingDelivery(memberId, make));
        if (_directory.NeedsLookUp(memberId) && CurrentSession is { } session)
        {
            var initialState = state ?? MemberState.Connected;
            _api.GetMemberAsync(session.Jwt, session.ConversationId, memberId, _lifetime.Token)
                .PipeTo(Self, success: result => new MemberResolved(memberId, result, initialState));
        }

        FlushDeliveries();
    }

    private void FlushDeliveries()
    {
        while (_deliveries.TryPeek(out var next) && _directory.Find(next.MemberId) is { } member)
        {
            _deliveries.Dequeue();
            Publish(next.Make(member));
        }
    }

    // ---- Stream, timers and shared handling ---------------------------------------------------------

    private Session? CurrentSession { get; set; }

    private void OpenStream(Session session)
    {
        CurrentSession = session;
        session.Incarnation++;
        session.Stream = _streams.Open(Context, session.Address, session.Incarnation);
        Context.Watch(session.Stream);
        RestartWatchdog(session);
    }

    private void RestartWatchdog(Session session) =>
        Timers.StartSingleTimer(WatchdogTimer, new WatchdogExpired(session.Incarnation), _settings.WatchdogTimeout);

    private void ScheduleReconnect(Session session, ReconnectBackoff backoff)
    {
        Timers.Cancel(BackfillTimer);
        var delay = backoff.Delay(_settings.ReconnectBaseDelay, _settings.ReconnectMaxDelay, Random.Shared.NextDouble());
        Timers.StartSingleTimer(ReconnectTimer, ReconnectTick.Instance, delay);
        Publish(new Reconnecting(_key, backoff.Attempt, delay));
        if (_state != ConversationState.Reconnecting)
        {
            Enter(ConversationState.Reconnecting);
        }

        Become(m => Reconnecting(session, backoff, m));
    }

    private void RequestBackfill(Session session, string? after) =>
        _api.GetMessagesAsync(session.Jwt, session.ConversationId, new MessagePageQuery(After: after, MaxResults: _settings.BackfillPageSize), _lifetime.Token)
            .PipeTo(Self, success: result => new BackfillCompleted(result));

    private void ReadTheEnd(Session session, string? after) =>
        _api.GetMessagesAsync(session.Jwt, session.ConversationId, new MessagePageQuery(After: after, MaxResults: _settings.BackfillPageSize), _lifetime.Token)
            .PipeTo(Self, success: result => new EndRead(result));

    private void CheckOwnMember(Session session) =>
        _api.GetMemberAsync(session.Jwt, session.ConversationId, session.MemberId, _lifetime.Token)
            .PipeTo(Self, success: result => new OwnMemberChecked(result));

    private void StartJwtTimers(Session session)
    {
        if (session.Jwt.ExpiresAt is not { } expiresAt)
        {
            return;
        }

        var untilExpiry = expiresAt - Now;
        if (untilExpiry - _settings.JwtExpiryWarning > TimeSpan.Zero)
        {
            Timers.StartSingleTimer(JwtWarningTimer, new JwtWarning(expiresAt), untilExpiry - _settings.JwtExpiryWarning);
        }

        Timers.StartSingleTimer(JwtExpiryTimer, new JwtExpired(expiresAt), untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero);
    }

    /// <summary>Socket news and timers every live state handles the same way; false when the message is not one of them.</summary>
    private bool HandleStreamAndCommon(Session session, object message)
    {
        switch (message)
        {
            case Opened opened when opened.Incarnation == session.Incarnation:
                RestartWatchdog(session);
                return true;

            case Closed closed when closed.Incarnation == session.Incarnation:
            {
                Context.Unwatch(session.Stream);
                _log.Info("Conversation {ConversationKey} lost its socket ({Reason} {Detail})", _key, closed.Reason, closed.Detail);
                if (closed.Reason == CloseReason.ClosedByServer)
                {
                    CheckOwnMember(session);
                }

                ScheduleReconnect(session, ReconnectBackoff.Begin(Now));
                return true;
            }

            case WatchdogExpired expired when expired.Incarnation == session.Incarnation:
            {
                _log.Warning("Conversation {ConversationKey} heard nothing for {Timeout}; the socket is taken as dead", _key, _settings.WatchdogTimeout);
                Context.Unwatch(session.Stream);
                Context.Stop(session.Stream);
                ScheduleReconnect(session, ReconnectBackoff.Begin(Now));
                return true;
            }

            case Terminated terminated when terminated.ActorRef.Equals(session.Stream):
            {
                // A socket child that stopped without telling why (it crashed): treat it as lost.
                ScheduleReconnect(session, ReconnectBackoff.Begin(Now));
                return true;
            }

            // Stale news of an earlier socket; a subscriber's Terminated is left to ServeCommon.
            case Opened or Closed or FrameReceived or WatchdogExpired:
                return true;

            case MemberResolved resolved:
            {
                var info = resolved.Result.Value;
                _directory.Resolved(resolved.MemberId, info?.Role, info?.DisplayName, info?.State ?? resolved.State);
                if (resolved.Result.Error is { } error)
                {
                    _log.Warning("Conversation {ConversationKey} could not resolve member {MemberId}: {Code}", _key, resolved.MemberId, error.Code);
                }

                FlushDeliveries();
                UpdateAttachedState(session);
                return true;
            }

            case MembersRefreshed refreshed:
            {
                // After a restart: who is in the chat now, so the state is Active again if an agent is.
                foreach (var info in refreshed.Result.Value?.Entities ?? [])
                {
                    if (info.Id is { } id && id != session.MemberId)
                    {
                        var member = _directory.Resolved(id, info.Role, info.DisplayName, info.State ?? MemberState.Connected);
                        _directory.ChangeState(member, member.State);
                    }
                }

                FlushDeliveries();
                UpdateAttachedState(session);
                return true;
            }

            case MediaRequestRead read:
            {
                if (read.Result.Value is { Id: { } id } request && !_mediaRequests.ContainsKey(id))
                {
                    _mediaRequests[id] = request.State ?? MediaRequestState.Pending;
                    Publish(new MediaRequested(_key, request));
                    AnswerMedia(session, id, _settings.MediaRequestPolicy, requested: null);
                }

                return true;
            }

            case OwnMemberChecked { Result.Value.State: MemberState.Disconnected } when session.Leaving || _state != ConversationState.Reconnecting:
            {
                Finish(session.Leaving ? ConversationEndReason.GuestLeft : ConversationEndReason.AgentEnded, null, failed: false);
                return true;
            }

            case OwnMemberChecked { Result.Value.State: MemberState.Disconnected }:
            {
                // The chat ended while this conversation had no socket (the service was down, say): what was
                // said until the end is read and told first, and it says which side ended the chat.
                ReadTheEnd(session, after: _transcript.BackfillAfterMessageId);
                return true;
            }

            case EndRead { Result.IsSuccess: true } page:
            {
                foreach (var entry in page.Result.Value!.Entities ?? [])
                {
                    OnMessage(session, entry.Id, entry.Sender?.Id, entry.Body, entry.BodyType, entry.Timestamp);
                }

                if ((page.Result.Value.Entities?.Count ?? 0) >= _settings.BackfillPageSize)
                {
                    ReadTheEnd(session, _transcript.BackfillAfterMessageId);
                    return true;
                }

                Finish(_transcript.EndedWhileAway(session.MemberId), null, failed: false);
                return true;
            }

            case EndRead unread:
            {
                _log.Warning("Conversation {ConversationKey} ended while away, and its last messages could not be read: {Code}", _key, unread.Result.Error?.Code);
                Finish(IsExpiredJwt(unread.Result.Error) ? ConversationEndReason.JwtExpired : ConversationEndReason.Abandoned, unread.Result.Error, failed: false);
                return true;
            }

            case OwnMemberChecked checkedMember when IsExpiredJwt(checkedMember.Result.Error):
            {
                Finish(ConversationEndReason.JwtExpired, checkedMember.Result.Error, failed: false);
                return true;
            }

            case OwnMemberChecked { Result.Error: { Kind: FailureKind.Final, Status: 401 or 403 or 404 } refused }:
            {
                // Genesys no longer knows this guest in this chat (gone while the service was down, say):
                // reconnecting cannot help, so the chat ends now rather than when the window closes.
                _log.Warning("Conversation {ConversationKey} is refused by Genesys ({Code}); it cannot go on", _key, refused.Code);
                Finish(ConversationEndReason.Failed, refused, failed: true);
                return true;
            }

            case OwnMemberChecked:
                return true;

            case LeaveCompleted left when session.Leaving && (left.Result.IsSuccess || left.Result.Error!.Code == ErrorCodes.MemberState):
                Finish(ConversationEndReason.GuestLeft, null, failed: false);
                return true;

            case JwtWarning warning:
                Publish(new JwtExpiring(_key, warning.ExpiresAt));
                return true;

            case JwtExpired:
                Finish(ConversationEndReason.JwtExpired, null, failed: false);
                return true;

            default:
                return false;
        }
    }

    /// <summary>Back to Queued or Active (whichever the agents say), serving what waited meanwhile.</summary>
    private void BecomeAttached(Session session)
    {
        Enter(_directory.AgentConnected ? ConversationState.Active : ConversationState.Queued);
        Become(m => Attached(session, m));
        Stash.UnstashAll();
    }

    private void UpdateAttachedState(Session session)
    {
        var wanted = _directory.AgentConnected ? ConversationState.Active : ConversationState.Queued;
        if (_state is ConversationState.Queued or ConversationState.Active && _state != wanted)
        {
            Enter(wanted);
        }
    }

    private void StashCommandOrServeCommon(object message)
    {
        if (message is SendMessage or SendTyping or AnswerMediaRequest or End)
        {
            Stash.Stash();
            return;
        }

        ServeCommon(message);
    }

    private void ServeCommon(object message)
    {
        switch (message)
        {
            case Start:
                Answer(Sender, new CommandRejected(_key, message, $"The conversation {_key} already exists ({_state})", Kind: RejectionKind.AlreadyExists));
                break;

            case Subscribe subscribe:
                _subscribers.Add(subscribe.Subscriber);
                Context.Watch(subscribe.Subscriber);
                subscribe.Subscriber.Tell(new StateChanged(_key, _state));
                break;

            case Unsubscribe unsubscribe:
                _subscribers.Remove(unsubscribe.Subscriber);
                break;

            case Terminated terminated when _subscribers.Remove(terminated.ActorRef):
                break;

            case GetStatus:
                Sender.Tell(new ConversationQueries.Status(_key, _state, CurrentSession?.ConversationId, CurrentSession?.MemberId, [.. _directory.Members], _endReason, _endError?.Code, _subscribers.Count));
                break;

            case GetTranscript:
                Sender.Tell(new Transcript(_key, [.. _transcript.Lines]));
                break;

            case GetMessagesSince since:
                Sender.Tell(new MessagesSince(_key, MessagesAfter(since.Sequence), _lastSequence));
                break;

            case Terminated or FrameReceived or Opened or Closed or WatchdogExpired or ReconnectTick or TypingWindowOpened or BackfillRetry:
                break;

            case CreateCompleted or SendCompleted or SendCheckCompleted or TypingCompleted or MediaAnswerCompleted or MediaAnswerChecked or LeaveCompleted
                or BackfillCompleted or MemberResolved or MembersRefreshed or MediaRequestRead or OwnMemberChecked or EndRead or JwtWarning or JwtExpired:
                break;

            default:
                Unhandled(message);
                break;
        }
    }

    private void Finish(ConversationEndReason reason, GuestChatError? error, bool failed)
    {
        if (_state is ConversationState.Ended or ConversationState.Failed || _endReason is not null)
        {
            return;
        }

        _endReason = reason;
        _endError = error;
        foreach (var timer in new[] { WatchdogTimer, ReconnectTimer, TypingTimer, JwtWarningTimer, JwtExpiryTimer, BackfillTimer })
        {
            Timers.Cancel(timer);
        }

        if (CurrentSession?.Stream is { } stream)
        {
            Context.Unwatch(stream);
            Context.Stop(stream);
        }

        _log.Info("Conversation {ConversationKey} ended: {Reason}{Error}", _key, reason, error is null ? "" : $" ({error.Code})");
        foreach (var (command, requester) in _endRequesters)
        {
            // Whoever asked to leave wanted the chat over, and it is, whatever ended it first.
            Answer(requester, new CommandAccepted(_key, command));
        }

        _endRequesters.Clear();
        foreach (var waiting in _sends.Drain())
        {
            var rejection = new CommandRejected(_key, waiting.Command, $"The conversation has ended ({reason})", error, RejectionKind.Ended);
            Answer(waiting.Requester, rejection);
            if (waiting.Command.ClientMessageId is { } clientId && _repeatsWaiting.Remove(clientId, out var repeats))
            {
                repeats.ForEach(r => Answer(r, rejection));
            }
        }

        Become(Finished);
        Stash.UnstashAll();
        Timers.StartSingleTimer(RetentionTimer, RetentionOver.Instance, _settings.EndedRetention);

        // Told once written, and so after every message written before it (the last page of a chat that
        // ended while away is told first, then its end).
        Record(new ChatEnded(reason, error?.Code, Now), _ =>
        {
            Enter(failed ? ConversationState.Failed : ConversationState.Ended);
            Publish(new Ended(_key, reason, error));
        });
    }

    /// <summary>Writes a fact, then carries on; with an in-memory journal there is nothing to write and it carries on at once.</summary>
    private void Record<T>(T fact, Action<T> then)
        where T : IConversationFact => Record(fact, null, then);

    /// <summary>The same, with the fact tagged for readers of the journal (see <see cref="MessageLog"/>).</summary>
    private void Record<T>(T fact, string? tag, Action<T> then)
        where T : IConversationFact
    {
        if (_journal.Durable && tag is not null)
        {
            Persist(new Tagged(fact, [tag]), _ => Written(fact, then));
        }
        else if (_journal.Durable)
        {
            Persist(fact, _ => Written(fact, then));
        }
        else
        {
            _journaled.Apply(fact);
            then(fact);
        }
    }

    /// <summary>Writes a fact that nothing waits for: later commands are not held back while it is written.</summary>
    private void RecordAfter<T>(T fact, Action? then = null)
        where T : IConversationFact
    {
        if (_journal.Durable)
        {
            PersistAsync(fact, _ => Written(fact, _ => then?.Invoke()));
        }
        else
        {
            _journaled.Apply(fact);
        }
    }

    /// <summary>
    /// A fact is in the journal: it joins the fold, what waited for it goes on, and after
    /// <see cref="ConversationSettings.SnapshotEvery"/> facts the fold is saved as a snapshot (only what
    /// is written is in it, so recovering from it is the same as replaying the facts).
    /// </summary>
    private void Written<T>(T fact, Action<T> then)
        where T : IConversationFact
    {
        _journaled.Apply(fact);
        then(fact);
        if (LastSequenceNr - _snapshotAt >= _settings.SnapshotEvery && _journaled.Ended is null)
        {
            _snapshotAt = LastSequenceNr;
            SaveSnapshot(_journaled.Snapshot([.. _transcript.Numbered.Select(n => new SnapshotMessage(
                new MessageSeen(n.Line.MessageId, n.Line.SenderId, n.Line.SenderRole, n.Line.Body, n.Line.BodyType, n.Line.Timestamp, n.Posted ? true : null), n.Sequence))]));
        }
    }

    /// <summary>
    /// Recovery is over: carry on where the journal left the chat. An ended chat stays readable for what
    /// is left of its retention; a live one re-attaches a socket with its JWT, backfills after the newest
    /// message written, refreshes its members, checks that the guest is still in the chat, and settles the
    /// sends whose outcome was never written; a chat whose create was cut short is created again.
    /// </summary>
    private void Resume()
    {
        _nextSendId = _journaled.NextSendId;

        if (_journaled.Ended is { } ended)
        {
            _endReason = ended.Reason;
            _state = ended.Reason == ConversationEndReason.Failed ? ConversationState.Failed : ConversationState.Ended;
            Become(Finished);
            var left = _settings.EndedRetention - (Now - ended.At);
            Timers.StartSingleTimer(RetentionTimer, RetentionOver.Instance, left > TimeSpan.Zero ? left : TimeSpan.Zero);
            return;
        }

        if (_journaled.Created is { } created)
        {
            string jwt;
            try
            {
                jwt = _journal.Secrets.Unprotect(created.ProtectedJwt);
            }
            catch (CryptographicException)
            {
                _log.Error("Conversation {ConversationKey} cannot read its JWT from the journal (was Persistence:JwtKey changed?)", _key);
                Finish(ConversationEndReason.Failed, null, failed: true);
                return;
            }

            var session = new Session(created.ConversationId, created.MemberId, new GuestJwt(jwt), new EventStreamAddress(new Uri(created.EventStreamUri)));
            _log.Info("Conversation {ConversationKey} resumes {ConversationId} with {Messages} messages and {Sends} sends to settle", _key, session.ConversationId, _transcript.Lines.Count, _journaled.UnresolvedSends.Count);
            CurrentSession = session;
            _state = ConversationState.Reconnecting;
            StartJwtTimers(session);
            CheckOwnMember(session);
            _api.GetMembersAsync(session.Jwt, session.ConversationId, new MemberPageQuery(PageSize: 100, ExcludeDisconnectedMembers: true), _lifetime.Token)
                .PipeTo(Self, success: result => new MembersRefreshed(result));
            foreach (var intent in _journaled.UnresolvedSends)
            {
                var queued = new QueuedSend(new SendMessage(_key, intent.Body, intent.BodyType, intent.ClientMessageId), ActorRefs.Nobody, intent);
                if (intent.ClientMessageId is { } clientId)
                {
                    // A caller that repeats this send after the restart waits for its outcome instead of posting it again.
                    _repeatsWaiting[clientId] = [];
                }

                if (_sends.Offer(queued))
                {
                    BeginSend(session, queued);
                }
            }

            OpenStream(session);
            Become(m => Reconnecting(session, ReconnectBackoff.Begin(Now), m));
            return;
        }

        if (_journaled.Requested is { } requested)
        {
            // Cut short before Genesys answered: creating again is safe, as an unattached chat is never routed.
            _log.Info("Conversation {ConversationKey} was being created when the service stopped; creating it again", _key);
            var request = requested.Request;
            if (request.MemberAuthToken is { } sealedToken)
            {
                try
                {
                    request = request with { MemberAuthToken = _journal.Secrets.Unprotect(sealedToken) };
                }
                catch (CryptographicException)
                {
                    _log.Error("Conversation {ConversationKey} cannot read its member auth token from the journal (was Persistence:JwtKey changed?)", _key);
                    Finish(ConversationEndReason.Failed, null, failed: true);
                    return;
                }
            }

            Create(new Start(_key, request), ActorRefs.Nobody, attempt: 1);
            _state = ConversationState.Creating;
            Become(Creating);
        }
    }

    private void Enter(ConversationState state)
    {
        _state = state;
        Publish(new StateChanged(_key, state));
    }

    private void Publish(object message)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Tell(message);
        }
    }

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    /// <summary>Answers a command's sender; a command that was told without a sender gets no answer (and no dead letter).</summary>
    private void Answer(IActorRef requester, object answer) => Context.Answer(requester, answer);

    private static bool IsExpiredJwt(GuestChatError? error) => error?.Code == ErrorCodes.CredentialsExpired;

    // ---- Private data and messages ------------------------------------------------------------------

    /// <summary>What exists once Genesys has created the chat; lives as long as the chat.</summary>
    private sealed class Session(string conversationId, string memberId, GuestJwt jwt, EventStreamAddress address)
    {
        public string ConversationId { get; } = conversationId;

        public string MemberId { get; } = memberId;

        public GuestJwt Jwt { get; } = jwt;

        public EventStreamAddress Address { get; } = address;

        public int Incarnation { get; set; }

        public IActorRef Stream { get; set; } = ActorRefs.Nobody;

        public bool GuestConnected { get; set; }

        public bool Leaving { get; set; }

        public int LeaveAttempts { get; set; }

        public bool StreamLost { get; set; }

        public TypingThrottle Typing { get; set; }
    }

    private sealed record PendingDelivery(string MemberId, Func<Member, object> Make);

    private sealed record CreateCompleted(GuestChatResult<CreateWebChatConversationResponse> Result, IActorRef Starter, Start Command, int Attempt);

    private sealed record SendCompleted(SendMessage Command, IActorRef Requester, long SendId, int Attempt, DateTimeOffset StartedAt, GuestChatResult<WebChatMessage> Result);

    /// <summary>A send waiting its turn; <paramref name="Interrupted"/> when the journal held it without an outcome.</summary>
    private sealed record QueuedSend(SendMessage Command, IActorRef Requester, SendIntended? Interrupted);

    private sealed record MembersRefreshed(GuestChatResult<WebChatMemberInfoEntityList> Result);

    private sealed record SendCheckCompleted(SendCompleted Send, GuestChatResult<WebChatMessageEntityList> Result);

    private sealed record TypingCompleted(GuestChatResult<WebChatTyping> Result);

    private sealed record MediaRequestRead(GuestChatResult<WebChatGuestMediaRequest> Result);

    private sealed record MediaAnswer(AnswerMediaRequest Command, IActorRef Requester, int Attempt);

    private sealed record MediaAnswerCompleted(string MediaRequestId, MediaRequestDecision Decision, GuestChatResult<WebChatGuestMediaRequest> Result, MediaAnswer? Requested);

    private sealed record MediaAnswerChecked(MediaAnswerCompleted Answered, GuestChatResult<WebChatGuestMediaRequest> Result);

    private sealed record LeaveCompleted(GuestChatResult<NoContent> Result);

    private sealed record BackfillCompleted(GuestChatResult<WebChatMessageEntityList> Result);

    private sealed record MemberResolved(string MemberId, GuestChatResult<WebChatMemberInfo> Result, MemberState State);

    private sealed record OwnMemberChecked(GuestChatResult<WebChatMemberInfo> Result);

    /// <summary>A page of the messages of a chat that ended while the conversation was away.</summary>
    private sealed record EndRead(GuestChatResult<WebChatMessageEntityList> Result);

    private sealed record WatchdogExpired(int Incarnation);

    private sealed record JwtWarning(DateTimeOffset ExpiresAt);

    private sealed record RetentionOver
    {
        public static RetentionOver Instance { get; } = new();
    }

    private sealed record JwtExpired(DateTimeOffset ExpiresAt);

    private sealed record BackfillRetry
    {
        public static BackfillRetry Instance { get; } = new();
    }

    private sealed record ReconnectTick
    {
        public static ReconnectTick Instance { get; } = new();
    }

    private sealed record TypingWindowOpened
    {
        public static TypingWindowOpened Instance { get; } = new();
    }
}
