namespace GuestChat.Actors.Persistence;

/// <summary>
/// What a conversation's journal says about its chat: the request, the chat Genesys created, the sends
/// whose outcome was never written, the accepted ones, and the end (the messages are kept by the
/// conversation's transcript). Folded from the facts while the conversation recovers, and from each fact
/// as it is written afterwards, so that a snapshot (<see cref="ConversationSnapshot"/>) is exactly what
/// replaying the facts up to it gives. Deterministic and free of I/O.
/// </summary>
public sealed class JournaledChat
{
    private readonly SortedDictionary<long, SendIntended> _unresolved = [];
    private readonly List<AcceptedSend> _accepted = [];

    /// <summary>The Start's create request, if one was taken.</summary>
    public ChatRequested? Requested { get; private set; }

    /// <summary>The chat at Genesys, once created.</summary>
    public ChatCreated? Created { get; private set; }

    /// <summary>The end, once it came.</summary>
    public ChatEnded? Ended { get; private set; }

    /// <summary>Sends journaled as intended with no outcome after them, oldest first: each may or may not have reached Genesys.</summary>
    public IReadOnlyCollection<SendIntended> UnresolvedSends => _unresolved.Values;

    /// <summary>
    /// How long an accepted send without a client message id is kept after a newer one was accepted: it
    /// is only there so that a send whose outcome was unknown is not taken for it, and such a send looks
    /// at the messages from a few seconds before it began (<c>TranscriptState.ClockSkew</c>).
    /// </summary>
    public static readonly TimeSpan AcceptedWithoutClientIdKeptFor = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The accepted sends, in the order written: every one with a client message id (a repeat of it gets
    /// its answer for the chat's life), and those without one accepted within
    /// <see cref="AcceptedWithoutClientIdKeptFor"/> of the newest (a long chat does not keep every send).
    /// </summary>
    public IReadOnlyList<AcceptedSend> AcceptedSends => _accepted;

    /// <summary>Sends that carried a client message id and were accepted: the id Genesys gave each, so a caller that repeats one gets the same answer.</summary>
    public Dictionary<string, SendAccepted> AcceptedByClientId { get; } = new(StringComparer.Ordinal);

    /// <summary>The id for the next send (one above the highest seen).</summary>
    public long NextSendId { get; private set; } = 1;

    /// <summary>Takes one fact in; messages are not kept here.</summary>
    public void Apply(IConversationFact fact)
    {
        switch (fact)
        {
            case ChatRequested requested:
                Requested = requested;
                break;
            case ChatCreated created:
                Created = created;
                break;
            case SendIntended intended:
                _unresolved[intended.SendId] = intended;
                NextSendId = Math.Max(NextSendId, intended.SendId + 1);
                break;
            case SendAccepted accepted:
                var clientId = _unresolved.Remove(accepted.SendId, out var was) ? was.ClientMessageId : null;
                Accept(new AcceptedSend(accepted, clientId));
                break;
            case SendGivenUp givenUp:
                _unresolved.Remove(givenUp.SendId);
                break;
            case ChatEnded ended:
                Ended = ended;
                _unresolved.Clear();
                break;
            case ConversationSnapshot snapshot:
                Restore(snapshot);
                break;
        }
    }

    /// <summary>
    /// Keeps of the created chat only what is not in the conversation's session: the (protected) JWT
    /// and the event-stream address are about a kilobyte each, and a service holds thousands of chats.
    /// A snapshot then takes them from the session (<see cref="Snapshot"/>).
    /// </summary>
    public void ReleaseSecrets()
    {
        if (Created is { } created)
        {
            Created = created with { ProtectedJwt = "", EventStreamUri = "" };
        }
    }

    /// <summary>
    /// This fold and the transcript's journaled messages as one snapshot; <paramref name="created"/> is
    /// the created chat whole (its JWT and address from the live session), or null when the fold's own is.
    /// </summary>
    public ConversationSnapshot Snapshot(IReadOnlyList<SnapshotMessage> messages, ChatCreated? created) =>
        new(Requested, created ?? Created, Ended, messages, [.. _unresolved.Values], [.. _accepted], NextSendId);

    private void Restore(ConversationSnapshot snapshot)
    {
        (Requested, Created, Ended, NextSendId) = (snapshot.Requested, snapshot.Created, snapshot.Ended, snapshot.NextSendId);
        _unresolved.Clear();
        foreach (var intended in snapshot.UnresolvedSends)
        {
            _unresolved[intended.SendId] = intended;
        }

        _accepted.Clear();
        AcceptedByClientId.Clear();
        foreach (var accepted in snapshot.AcceptedSends)
        {
            Accept(accepted);
        }
    }

    private void Accept(AcceptedSend accepted)
    {
        _accepted.Add(accepted);
        if (accepted.ClientMessageId is { } clientId)
        {
            AcceptedByClientId[clientId] = accepted.Accepted;
        }

        var keptFrom = accepted.Accepted.Timestamp - AcceptedWithoutClientIdKeptFor;
        var kept = 0;
        for (var i = 0; i < _accepted.Count; i++)
        {
            if (_accepted[i].ClientMessageId is not null || _accepted[i].Accepted.Timestamp >= keptFrom)
            {
                _accepted[kept++] = _accepted[i];
            }
        }

        _accepted.RemoveRange(kept, _accepted.Count - kept);
    }
}
