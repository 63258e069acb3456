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
/// </summary>
public sealed class TranscriptState
{
    private readonly List<TranscriptLine> _lines = [];

    // Every line's id, with its number once it has one (0 until then): one entry per line, kept for the chat's life.
    private readonly Dictionary<string, (long Sequence, bool Posted)> _known = new(StringComparer.Ordinal);

    /// <summary>The lines in timestamp order (a line that arrives late is put in its place).</summary>
    public IReadOnlyList<TranscriptLine> Lines => _lines;

    /// <summary>The id of the newest message learned from the stream: what <c>GET /messages?after=</c> starts from.</summary>
    public string? BackfillAfterMessageId { get; private set; }

    /// <summary>When that message was sent.</summary>
    public DateTimeOffset? BackfillAfterAt { get; private set; }

    /// <summary>The lines that have a number (with a durable journal: whose fact is written), in number order, each with whether it came from a POST's answer.</summary>
    public IEnumerable<(TranscriptLine Line, long Sequence, bool Posted)> Numbered =>
        _lines.Select(l => (Line: l, Number: _known.GetValueOrDefault(l.MessageId)))
            .Where(n => n.Number.Sequence > 0).Select(n => (n.Line, n.Number.Sequence, n.Number.Posted)).OrderBy(n => n.Sequence);

    /// <summary>The number given to a message (its place in the journal, or a count), 0 when it has none.</summary>
    public long SequenceOf(string messageId) => _known.GetValueOrDefault(messageId).Sequence;

    /// <summary>Gives a message taken in (<see cref="Apply"/>) its number, once it has one.</summary>
    public void Number(string messageId, long sequence, bool posted) => _known[messageId] = (sequence, posted);

    /// <summary>Whether a message with this id has been seen.</summary>
    public bool Contains(string messageId) => _known.ContainsKey(messageId);

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

        if (!_known.TryAdd(line.MessageId, default))
        {
            return false;
        }

        var index = _lines.Count;
        while (index > 0 && _lines[index - 1].Timestamp > line.Timestamp)
        {
            index--;
        }

        _lines.Insert(index, line);
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
        var guestLeft = _lines.FindLastIndex(l => l.SenderId == guestMemberId && l.BodyType == BodyType.MemberLeave);
        return guestLeft > 0 && _lines[guestLeft - 1] is { BodyType: BodyType.MemberLeave } before && before.SenderId != guestMemberId
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
