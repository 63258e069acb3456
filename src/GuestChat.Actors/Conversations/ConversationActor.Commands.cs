using Akka.Actor;
using Akka.Event;
using GuestChat.Actors.Conversations.State;
using GuestChat.Actors.Persistence;
using GuestChat.Client;
using GuestChat.Client.Errors;
using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Actors.Conversations;

/// <summary>Commands: sends (one at a time, intent journaled, an unknown outcome looked for before a retry), typing, media answers, leaving.</summary>
public sealed partial class ConversationActor
{
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
}
