using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using GuestChat.Actors.Conversations.State;
using GuestChat.Actors.EventStreams;
using GuestChat.Actors.Persistence;
using GuestChat.Client;
using GuestChat.Client.Authentication;
using GuestChat.Client.Errors;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Actors.Conversations;

/// <summary>The end, the journal (facts recorded, folded, snapshotted) and the resumption of a chat after a restart.</summary>
public sealed partial class ConversationActor
{
    private void Finish(ConversationEndReason reason, GuestChatError? error, bool failed)
    {
        if (_state is ConversationState.Ended or ConversationState.Failed || _endReason is not null)
        {
            return;
        }

        _endReason = reason;
        _endError = error;
        foreach (var timer in new[] { WatchdogTimer, ReconnectTimer, TypingTimer, JwtTimer, BackfillTimer })
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
        Record(new ChatEnded(reason, error?.Code, Now), told: true, _ =>
        {
            Enter(failed ? ConversationState.Failed : ConversationState.Ended);
            Publish(new Ended(_key, reason, error));
        });
    }

    /// <summary>Writes a fact, then carries on; with an in-memory journal there is nothing to write and it carries on at once.</summary>
    private void Record<T>(T fact, Action<T> then)
        where T : IConversationFact => Record(fact, told: false, then);

    /// <summary>The same; a <paramref name="told"/> fact wakes the readers of the journal in this process once written (see <see cref="MessageLog"/>).</summary>
    private void Record<T>(T fact, bool told, Action<T> then)
        where T : IConversationFact
    {
        if (_journal.Durable)
        {
            Persist(fact, _ =>
            {
                if (told)
                {
                    JournalWrites.Of(Context.System).Written();
                }

                Written(fact, then);
            });
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
        // One snapshot at a time: the older ones are deleted when the newer is saved, in order.
        if (LastSequenceNr - _snapshotAt >= _settings.SnapshotEvery && _journaled.Ended is null && !_snapshotting)
        {
            _snapshotAt = LastSequenceNr;
            _snapshotting = true;
            SaveSnapshot(_journaled.Snapshot([.. _transcript.Numbered.Select(n => new SnapshotMessage(
                new MessageSeen(n.Line.MessageId, n.Line.SenderId, n.Line.SenderRole, n.Line.Body, n.Line.BodyType, n.Line.Timestamp, n.Posted ? true : null), n.Sequence))],
                _journaled.Created is { } created && CurrentSession is { } session
                    ? created with { ProtectedJwt = _journal.Secrets.Protect(session.Jwt.Reveal()), EventStreamUri = session.Address.Reveal().OriginalString }
                    : null));
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
        if (_journaled.Requested is null && _journaled.Created is null && _journaled.Ended is null)
        {
            // Nothing to resume: a new conversation, waiting for its Start. A sharded one may have been
            // started by any message (or remembered after a refusal); unclaimed, it asks to be stopped.
            if (_place.Sharded)
            {
                Timers.StartSingleTimer(UnclaimedTimer, Unclaimed.Instance, UnclaimedAfter);
            }

            return;
        }

        // It exists already: it holds a place whatever the limit (refusing it would lose the chat).
        _place.Capacity.Take();
        _holdsPlace = true;

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

            var guestJwt = new GuestJwt(jwt);
            var session = new Session(created.ConversationId, created.MemberId, guestJwt, new EventStreamAddress(created.EventStreamUri, guestJwt));
            _log.Info("Conversation {ConversationKey} resumes {ConversationId} after {Facts} facts with {Sends} sends to settle", _key, session.ConversationId, LastSequenceNr, _journaled.UnresolvedSends.Count);
            CurrentSession = session;
            _journaled.ReleaseSecrets();
            _state = ConversationState.Reconnecting;
            StartJwtTimers(session);
            CheckOwnMember(session);
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
}
