namespace GuestChat.Actors.Persistence;

/// <summary>
/// What a conversation's journal says about its chat, gathered while it recovers: the request, the
/// chat Genesys created, the sends whose outcome was never written, and the end. (Messages go straight
/// into the conversation's transcript.) Deterministic and free of I/O.
/// </summary>
public sealed class RecoveredChat
{
    private readonly SortedDictionary<long, SendIntended> _unresolved = [];

    /// <summary>The Start's create request, if one was taken.</summary>
    public ChatRequested? Requested { get; private set; }

    /// <summary>The chat at Genesys, once created.</summary>
    public ChatCreated? Created { get; private set; }

    /// <summary>The end, once it came.</summary>
    public ChatEnded? Ended { get; private set; }

    /// <summary>Sends journaled as intended with no outcome after them, oldest first: each may or may not have reached Genesys.</summary>
    public IReadOnlyCollection<SendIntended> UnresolvedSends => _unresolved.Values;

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
                _unresolved.Remove(accepted.SendId);
                break;
            case SendGivenUp givenUp:
                _unresolved.Remove(givenUp.SendId);
                break;
            case ChatEnded ended:
                Ended = ended;
                _unresolved.Clear();
                break;
        }
    }
}
