using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationQueries;

namespace GuestChat.Actors.Conversations.State;

/// <summary>
/// What a conversation has seen of its chat's messages: every line once, in timestamp order, and where a
/// backfill after a reconnect starts. Deterministic and free of I/O: the actor feeds it what arrives,
/// from the socket, a backfill or an accepted send, in any order and any number of times.
/// <para>
/// The backfill starts after the newest message learned <i>from the chat's stream</i> (socket frames and
/// backfill pages, which come in order), never after one learned from a POST's answer: the guest's own
/// message can be accepted while an earlier agent message is still on its way through a socket that is
/// about to drop, and a backfill after the guest's message would skip it.
/// </para>
/// <para>
/// Which lines it keeps: all of them without a journal (<c>keepsEveryLine</c>), as nothing else holds
/// them. With a durable journal, the journal holds the transcript and this keeps only the lines a
/// backfill could bring again (those at or after the newest message <i>written</i> from the stream) and
/// those not written yet: a long chat costs the service its ids, not its lines, and the collector does
/// not carry every line through its generations. What is kept is decided by the order lines are applied
/// and numbered alone, so a snapshot of it (<see cref="Numbered"/>) recovers what replaying the facts
/// gives; the ids seen before the snapshot are known again only from it (a backfill starts after it).
/// </para>
/// </summary>
public sealed class TranscriptState(bool keepsEveryLine = true)
{
    // How many of the newest lines' senders and kinds are kept (see _recent).
    private const int RecentKept = 8;

    private readonly List<TranscriptLine> _lines = [];

    // Every line's id, with its number once it has one (0 until then): one entry per line, kept for the chat's life.
    private readonly MessageIds _known = new();

    // The newest lines' senders and kinds (timestamp order, newest last), whatever lines are kept: who ended a chat that ended while away.
    private readonly List<(string SenderId, BodyType Type, DateTimeOffset At)> _recent = new(RecentKept + 1);

    // With a journal: the timestamp of the newest line written from the stream, before which the lines written are let go.
    private DateTimeOffset? _writtenBackfillAt;

    /// <summary>Whether every line is kept (no journal), or only those a backfill could bring again and those not yet written.</summary>
    public bool KeepsEveryLine => keepsEveryLine;

    /// <summary>The lines kept (see the class), in timestamp order (a line that arrives late is put in its place).</summary>
    public IReadOnlyList<TranscriptLine> Lines => _lines;

    /// <summary>The id of the newest message learned from the stream: what <c>GET /messages?after=</c> starts from.</summary>
    public string? BackfillAfterMessageId { get; private set; }

    /// <summary>When that message was sent.</summary>
    public DateTimeOffset? BackfillAfterAt { get; private set; }

    /// <summary>The lines that have a number (with a durable journal: whose fact is written), in number order, each with whether it came from a POST's answer.</summary>
    public IEnumerable<(TranscriptLine Line, long Sequence, bool Posted)> Numbered =>
        _lines.Select(l => (Line: l, Number: _known.Get(l.MessageId)))
            .Where(n => n.Number.Sequence > 0).Select(n => (n.Line, n.Number.Sequence, n.Number.Posted)).OrderBy(n => n.Sequence);

    /// <summary>The number given to a message (its place in the journal, or a count), 0 when it has none.</summary>
    public long SequenceOf(string messageId) => _known.Get(messageId).Sequence;

    /// <summary>
    /// Gives a message taken in (<see cref="Apply"/>) its number, once it has one (with a journal: its fact
    /// is written). With a journal, a message written from the stream lets go of the written lines before it.
    /// </summary>
    public void Number(string messageId, long sequence, bool posted)
    {
        _known.Set(messageId, sequence, posted);
        if (keepsEveryLine || posted)
        {
            return;
        }

        // (Loops, not lambdas: this runs for every message, and a closure would be allocated each time.)
        DateTimeOffset? at = null;
        for (var i = _lines.Count - 1; i >= 0; i--)
        {
            if (_lines[i].MessageId == messageId)
            {
                at = _lines[i].Timestamp;
                break;
            }
        }

        if (at is not { } written || (_writtenBackfillAt is { } newest && written <= newest))
        {
            return;
        }

        // The line just numbered stays (the newest written, whose number a snapshot must carry), as does every later one.
        _writtenBackfillAt = written;
        var kept = 0;
        for (var i = 0; i < _lines.Count; i++)
        {
            if (_lines[i].Timestamp >= written || _known.Get(_lines[i].MessageId).Sequence == 0)
            {
                _lines[kept++] = _lines[i];
            }
        }

        _lines.RemoveRange(kept, _lines.Count - kept);
    }

    /// <summary>Whether a message with this id has been seen.</summary>
    public bool Contains(string messageId) => _known.Contains(messageId);

    /// <summary>
    /// Takes a line in; false when its id was seen before (the transcript keeps the first). A line from
    /// the stream moves the backfill start forward even when it was known already (from a POST's answer).
    /// </summary>
    public bool Apply(TranscriptLine line, bool fromStream = true)
    {
        if (fromStream && (BackfillAfterAt is null || line.Timestamp >= BackfillAfterAt))
        {
            BackfillAfterAt = line.Timestamp;
            BackfillAfterMessageId = line.MessageId;
        }

        if (!_known.Add(line.MessageId))
        {
            return false;
        }

        var index = _lines.Count;
        while (index > 0 && _lines[index - 1].Timestamp > line.Timestamp)
        {
            index--;
        }

        _lines.Insert(index, line);
        var recent = _recent.Count;
        while (recent > 0 && _recent[recent - 1].At > line.Timestamp)
        {
            recent--;
        }

        _recent.Insert(recent, (line.SenderId, line.BodyType, line.Timestamp));
        if (_recent.Count > RecentKept)
        {
            _recent.RemoveAt(0);
        }

        return true;
    }

    /// <summary>
    /// Which side ended a chat that ended while nobody watched, from its transcript: the guest's own
    /// member-leave right after another member's (the agent left, then the chat closed on the guest) is
    /// <see cref="ConversationEndReason.AgentEnded"/>; the guest's leave with nobody leaving before it (its
    /// socket stayed away past the grace window, and Genesys dropped it) is
    /// <see cref="ConversationEndReason.Abandoned"/>, as is a transcript without the guest's leave.
    /// </summary>
    public ConversationEndReason EndedWhileAway(string guestMemberId)
    {
        var guestLeft = _recent.FindLastIndex(l => l.SenderId == guestMemberId && l.Type == BodyType.MemberLeave);
        return guestLeft > 0 && _recent[guestLeft - 1] is { Type: BodyType.MemberLeave } before && before.SenderId != guestMemberId
            ? ConversationEndReason.AgentEnded
            : ConversationEndReason.Abandoned;
    }

    /// <summary>
    /// The guest's own message in <paramref name="recent"/> that a send whose outcome was unknown would
    /// have made: same sender and body, sent no earlier than shortly before the send started, and not
    /// already taken for another send. Null when the send did not arrive.
    /// </summary>
    public static WebChatMessage? FindSend(IEnumerable<WebChatMessage> recent, string memberId, string body, DateTimeOffset startedAt, Func<string, bool> alreadyTaken) =>
        recent.FirstOrDefault(m => m.Sender?.Id == memberId && m.Body == body && m.Id is not null
            && !alreadyTaken(m.Id) && m.Timestamp >= startedAt - ClockSkew);

    /// <summary>How far the server's clock may be behind ours when a send is looked for.</summary>
    public static TimeSpan ClockSkew { get; } = TimeSpan.FromSeconds(5);
}
