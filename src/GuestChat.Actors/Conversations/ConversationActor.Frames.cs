using Akka.Actor;
using Akka.Event;
using GuestChat.Actors.Persistence;
using GuestChat.Client.Events;
using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.Conversations.ConversationQueries;

namespace GuestChat.Actors.Conversations;

/// <summary>The chat's stream: frames, messages (journaled, then told once and in order), members resolved before an event that names them is told.</summary>
public sealed partial class ConversationActor
{
    // ---- Frames -------------------------------------------------------------------------------------

    private void OnFrame(Session session, StreamEvent streamEvent)
    {
        Heard(session);
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

        _membersChangedSinceRefresh.Add(change.MemberId);
        if (_directory.Observe(change.MemberId, change.State))
        {
            Deliver(change.MemberId, member => new MemberChanged(_key, _directory.ChangeState(member, change.State)), change.State);
        }
    }

    private void OnMessage(Session session, string? id, string? senderId, string? body, BodyType? bodyType, DateTimeOffset? timestamp, bool fromStream = true)
    {
        var type = bodyType ?? BodyType.Standard;
        var at = timestamp ?? Now;
        if (id is null || senderId is null)
        {
            return;
        }

        // The sender's id as the session or the directory holds it, not the frame's copy: a long chat keeps one copy of each member's id, not one per line.
        var known = senderId == session.MemberId ? null : _directory.Find(senderId);
        var line = senderId == session.MemberId
            ? new TranscriptLine(id, session.MemberId, MemberRole.Customer, body ?? "", type, at)
            : new TranscriptLine(id, known?.Id ?? senderId, known?.Role, body ?? "", type, at);
        if (!_transcript.Apply(line, fromStream))
        {
            return;
        }

        // Written before it is told: a restart backfills from the newest message written, so what
        // subscribers heard is in the journal, and what is not in it is fetched again.
        if (!fromStream)
        {
            // The guest's own message, from its POST's answer: nobody is told, so nothing waits for the write.
            RecordAfter(
                new MessageSeen(line.MessageId, line.SenderId, line.SenderRole, line.Body, line.BodyType, line.Timestamp, Posted: true),
                () => _transcript.Number(line.MessageId, LastSequenceNr, posted: true));
            return;
        }

        // A message subscribers will be told says so, so a reader of every chat can follow it in the journal (MessageLog).
        var told = line.SenderId != session.MemberId && line.BodyType is BodyType.Standard or BodyType.Notice;
        var seen = new MessageSeen(line.MessageId, line.SenderId, line.SenderRole, line.Body, line.BodyType, line.Timestamp, Told: told ? true : null);
        if (_journal.Durable)
        {
            // The handlers are made once (MessagePersisted): a closure per message was a twentieth of what a busy service allocated.
            Persist(seen, told ? _toldMessagePersisted : _messagePersisted);
        }
        else
        {
            _journaled.Apply(seen);
            MessageWritten(seen);
        }
    }

    /// <summary>A message from the stream is written (while it was, every other message waited: <c>Persist</c>, so the session is the one it came on).</summary>
    private void MessagePersisted(MessageSeen seen, bool told)
    {
        if (told)
        {
            JournalWrites.Of(Context.System).Written();
        }

        Written(seen, _messageWritten);
    }

    /// <summary>A message from the stream is in the journal (or, without one, taken): numbered, then told.</summary>
    private void MessageWritten(MessageSeen seen)
    {
        // Its place in the journal when there is one (so it survives a restart), a count otherwise.
        _lastSequence = _journal.Durable ? LastSequenceNr : _lastSequence + 1;
        _transcript.Number(seen.MessageId, _lastSequence, posted: false);
        if (CurrentSession is { } session)
        {
            Announce(session, seen);
        }
    }

    private void Announce(Session session, MessageSeen seen)
    {
        var (id, senderId, body, type, at) = (seen.MessageId, seen.SenderId, seen.Body, seen.BodyType, seen.Timestamp);
        if (senderId == session.MemberId)
        {
            return;
        }

        switch (type)
        {
            case BodyType.Standard or BodyType.Notice:
                var sequence = _transcript.SequenceOf(id);
                if (_deliveries.Count == 0 && _directory.Find(senderId) is { } known)
                {
                    // The sender is known and nothing waits before it (nearly always): told now, with no delivery queued.
                    Publish(new MessageReceived(_key, id, known, body ?? "", type, at, sequence));
                }
                else
                {
                    DeliverMessage(senderId, id, body ?? "", type, at, sequence);
                }
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

    /// <summary>The messages subscribers were told (from other members, standard or notice) after a sequence number, in order (every line kept: no journal).</summary>
    private List<MessageReceived> MessagesAfter(long sequence)
    {
        return [.. _transcript.Lines
            .Where(l => IsTold(l.SenderRole, l.BodyType) && _transcript.SequenceOf(l.MessageId) > sequence)
            .Select(l => Received(new MessageSeen(l.MessageId, l.SenderId, l.SenderRole, l.Body, l.BodyType, l.Timestamp), _transcript.SequenceOf(l.MessageId)))
            .OrderBy(m => m.Sequence)];
    }

    /// <summary>Answers a query whose messages were read back from the journal (in any state: taken before the state's own handling).</summary>
    private void Answer(MessageReplay.Read read)
    {
        if (read.Request is not ReadWanted wanted)
        {
            return;
        }

        if (read.Failure is { } failure)
        {
            // As a query nobody answered (504 over HTTP): the journal may be back for the next one.
            _log.Warning("Conversation {ConversationKey} could not read its messages from the journal: {Reason}", _key, failure.Message);
            wanted.Requester.Tell(new CommandRejected(_key, wanted.Question, "The chat's messages could not be read from the journal", Kind: RejectionKind.Unanswered));
            return;
        }

        switch (wanted)
        {
            case TranscriptWanted transcript:
                wanted.Requester.Tell(new Transcript(_key, WithRolesKnownNow(TranscriptOf(read.Messages, transcript.NotWritten))));
                break;
            case MessagesWanted messages:
                wanted.Requester.Tell(new MessagesSince(_key, [.. read.Messages.Where(m => IsTold(m.Seen)).Select(m => Received(m.Seen, m.Sequence))], messages.Newest));
                break;
        }
    }

    /// <summary>Whether subscribers are told a message: from another member, standard or notice.</summary>
    private static bool IsTold(MemberRole? senderRole, BodyType type) => senderRole != MemberRole.Customer && type is BodyType.Standard or BodyType.Notice;

    private static bool IsTold(MessageSeen seen) => seen.Posted != true && IsTold(seen.SenderRole, seen.BodyType);

    /// <summary>A message as subscribers are told it, its sender as known now.</summary>
    private MessageReceived Received(MessageSeen seen, long sequence) =>
        new(_key, seen.MessageId, _directory.Find(seen.SenderId) ?? new Member(seen.SenderId, seen.SenderRole, null, MemberState.Connected), seen.Body, seen.BodyType, seen.Timestamp, sequence);

    /// <summary>
    /// The transcript from the journal's messages and the lines not written yet, in timestamp order (and
    /// in the order they came for the same timestamp, which is the order they were written).
    /// </summary>
    private static List<TranscriptLine> TranscriptOf(IReadOnlyList<(MessageSeen Seen, long Sequence)> written, IReadOnlyList<TranscriptLine> kept)
    {
        var lines = written.Select(w => (Line: new TranscriptLine(w.Seen.MessageId, w.Seen.SenderId, w.Seen.SenderRole, w.Seen.Body, w.Seen.BodyType, w.Seen.Timestamp), w.Sequence)).ToList();
        var ids = lines.Select(l => l.Line.MessageId).ToHashSet(StringComparer.Ordinal);
        lines.AddRange(kept.Where(l => !ids.Contains(l.MessageId)).Select(l => (l, long.MaxValue)));
        return [.. lines.OrderBy(l => l.Line.Timestamp).ThenBy(l => l.Sequence).Select(l => l.Line)];
    }

    /// <summary>
    /// Lines with the sender's role known now where it was not when written (on Web Messaging an agent's
    /// first message comes with its joining; after a restart, lines come from the journal).
    /// </summary>
    private List<TranscriptLine> WithRolesKnownNow(IEnumerable<TranscriptLine> lines) =>
        [.. lines.Select(l => l.SenderRole is null && _directory.Find(l.SenderId) is { Role: { } role } ? l with { SenderRole = role } : l)];

    /// <summary>A message whose sender is not resolved yet, or that waits behind another event, queued (<see cref="Deliver"/>).</summary>
    /// <remarks>Apart from Announce, so that the closure is made only on this path: a lambda's captured locals are allocated where they are declared.</remarks>
    private void DeliverMessage(string senderId, string id, string body, BodyType type, DateTimeOffset at, long sequence) =>
        Deliver(senderId, member => new MessageReceived(_key, id, member, body, type, at, sequence));

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
}
