using Akka.Actor;
using Akka.Event;
using GuestChat.Actors.Conversations.State;
using GuestChat.Actors.Persistence;
using GuestChat.Client;
using GuestChat.Client.Errors;
using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.Conversations.ConversationQueries;
using static GuestChat.Actors.EventStreams.EventStreamEvents;

namespace GuestChat.Actors.Conversations;

/// <summary>The socket and the timers (watchdog, reconnects, backfills, the JWT), and what every live state handles alike.</summary>
public sealed partial class ConversationActor
{
    // ---- Stream, timers and shared handling ---------------------------------------------------------

    private Session? CurrentSession { get; set; }

    private void OpenStream(Session session)
    {
        CurrentSession = session;
        session.Incarnation++;
        session.Stream = _streams.Open(Context, session.Address, session.Incarnation, session.ConversationId, session.MemberId, session.Jwt);
        Context.Watch(session.Stream);
        session.HeardAt = Now;
        ArmWatchdog(session, _settings.WatchdogTimeout);
    }

    /// <summary>
    /// The socket was heard from: the watchdog's deadline moves to a whole timeout from now. Only the time is
    /// noted; the one timer running is checked against it when it fires (<see cref="SilentTooLong"/>), so a busy
    /// chat does not cancel and schedule a timer per frame (each one kept by the scheduler until its deadline).
    /// </summary>
    private void Heard(Session session)
    {
        session.HeardAt = Now;
        if (!Timers.IsTimerActive(WatchdogTimer))
        {
            ArmWatchdog(session, _settings.WatchdogTimeout);
        }
    }

    private void ArmWatchdog(Session session, TimeSpan after) =>
        Timers.StartSingleTimer(WatchdogTimer, new WatchdogExpired(session.Incarnation), after);

    /// <summary>Whether the socket has been silent for the whole watchdog timeout; if not, the watchdog is armed for what is left of it.</summary>
    private bool SilentTooLong(Session session)
    {
        var left = session.HeardAt + _settings.WatchdogTimeout - Now;
        if (left <= TimeSpan.Zero)
        {
            return true;
        }

        // Never longer than a whole timeout, should the wall clock have stepped back.
        ArmWatchdog(session, left < _settings.WatchdogTimeout ? left : _settings.WatchdogTimeout);
        return false;
    }

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

        // One timer at a time (a live chat holds thousands of them across a service): the warning,
        // which then starts the expiry.
        var untilExpiry = expiresAt - Now;
        if (untilExpiry - _settings.JwtExpiryWarning > TimeSpan.Zero)
        {
            Timers.StartSingleTimer(JwtTimer, new JwtWarning(expiresAt), untilExpiry - _settings.JwtExpiryWarning);
        }
        else
        {
            StartJwtExpiryTimer(expiresAt);
        }
    }

    private void StartJwtExpiryTimer(DateTimeOffset expiresAt)
    {
        var untilExpiry = expiresAt - Now;
        Timers.StartSingleTimer(JwtTimer, new JwtExpired(expiresAt), untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero);
    }

    /// <summary>Socket news and timers every live state handles the same way; false when the message is not one of them.</summary>
    private bool HandleStreamAndCommon(Session session, object message)
    {
        switch (message)
        {
            case Opened opened when opened.Incarnation == session.Incarnation:
                Heard(session);
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
                if (!SilentTooLong(session))
                {
                    return true;
                }

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
                OnMembersRefreshed(session, refreshed);
                return true;

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

            case OwnMemberChecked { Result.Value.State: MemberState.Disconnected } when session.Leaving:
            {
                Finish(ConversationEndReason.GuestLeft, null, failed: false);
                return true;
            }

            case OwnMemberChecked { Result.Value.State: MemberState.Disconnected }:
            {
                // Learned by asking, not from the socket: the chat ended while this conversation was not
                // watching (the service was down, say), whatever state the socket has reached since. What
                // was said until the end is read and told first, and it says which side ended the chat.
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
                StartJwtExpiryTimer(warning.ExpiresAt);
                Publish(new JwtExpiring(_key, warning.ExpiresAt));
                return true;

            case JwtExpired:
                Finish(ConversationEndReason.JwtExpired, null, failed: false);
                return true;

            default:
                return false;
        }
    }

    /// <summary>
    /// Who is in the chat now, after a reconnect (or a restart, or a move), told as changes. A method of its
    /// own: its lambdas capture the session, and a closure for them is then made here, not for every frame.
    /// </summary>
    private void OnMembersRefreshed(Session session, MembersRefreshed refreshed)
    {
        // Told as changes, so the state is Active if an agent is; a member a frame told of since the question was asked is newer news.
        if (refreshed.Result.Value?.Entities is not { } present)
        {
            return;
        }

        var news = present.Where(info => info.Id is { } id && id != session.MemberId && !_membersChangedSinceRefresh.Contains(id)).ToList();

        // Members met here for the first time are resolved first, so events older than this answer go out before it.
        var met = news.Where(info => _directory.Find(info.Id!) is null)
            .Select(info => _directory.Resolved(info.Id!, info.Role, info.DisplayName, info.State ?? MemberState.Connected).Id).ToHashSet(StringComparer.Ordinal);
        FlushDeliveries();
        foreach (var info in news)
        {
            var state = info.State ?? MemberState.Connected;
            // Always noted (a member read back from the journal is not yet counted as a connected agent); told when news.
            var known = _directory.Find(info.Id!)!;
            var current = _directory.ChangeState(known, state);
            if (met.Contains(known.Id) || known.State != state)
            {
                _directory.Told(current.Id, state);
                Publish(new MemberChanged(_key, current));
            }
        }

        // The list holds the members still connected: one known as connected that is not in a whole list left meanwhile.
        if (present.Count < MembersPageSize)
        {
            foreach (var gone in _directory.Members.Where(m => m.State != MemberState.Disconnected && !_membersChangedSinceRefresh.Contains(m.Id) && present.All(p => p.Id != m.Id)).ToList())
            {
                _directory.Told(gone.Id, MemberState.Disconnected);
                Publish(new MemberChanged(_key, _directory.ChangeState(gone, MemberState.Disconnected)));
            }
        }

        FlushDeliveries();
        UpdateAttachedState(session);
    }

    private const int MembersPageSize = 100;

    /// <summary>Asks who is in the chat now (answered <see cref="MembersRefreshed"/>).</summary>
    private void RefreshMembers(Session session)
    {
        _membersChangedSinceRefresh.Clear();
        _api.GetMembersAsync(session.Jwt, session.ConversationId, new MemberPageQuery(PageSize: MembersPageSize, ExcludeDisconnectedMembers: true), _lifetime.Token)
            .PipeTo(Self, success: result => new MembersRefreshed(result));
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
                Sender.Tell(new ConversationQueries.Status(_key, _state, CurrentSession?.ConversationId, CurrentSession?.MemberId, [.. _directory.Members], _endReason, _endError?.Code, _subscribers.Count, _node));
                break;

            case GetTranscript when _transcript.KeepsEveryLine:
                Sender.Tell(new Transcript(_key, WithRolesKnownNow(_transcript.Lines)));
                break;

            case GetTranscript asked:
                // The journal holds the lines; those not written yet are still here.
                Context.ActorOf(MessageReplay.Props(Journal, PersistenceId, 1, LastSequenceNr, new TranscriptWanted(Sender, asked, [.. _transcript.Lines])));
                break;

            case GetMessagesSince since when _transcript.KeepsEveryLine:
                Sender.Tell(new MessagesSince(_key, MessagesAfter(since.Sequence), _lastSequence));
                break;

            case GetMessagesSince since when since.Sequence >= _lastSequence:
                Sender.Tell(new MessagesSince(_key, [], _lastSequence));
                break;

            case GetMessagesSince since:
                Context.ActorOf(MessageReplay.Props(Journal, PersistenceId, since.Sequence + 1, _lastSequence, new MessagesWanted(Sender, since, _lastSequence)));
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
}
