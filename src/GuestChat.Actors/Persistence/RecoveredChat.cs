namespace GuestChat.Actors.Persistence;

/// <summary>
/// What a conversation's journal says about its chat, gathered while it recovers: the request, the
/// chat Genesys created, the sends whose outcome was never written, and the end. (Messages go straight
/// into the conversation's transcript.) Deterministic and free of I/O.
/// </summary>
public sealed class RecoveredChat
{
    private readonly SortedDictionary<long, SendIntended> _unresolved = [];
    private readonly Dictionary<long, string> _clientIdsBySend = [];

    /// <summary>The Start's create request, if one was taken.</summary>
    public ChatRequested? Requested { get; private set; }

    /// <summary>The chat at Genesys, once created.</summary>
    public ChatCreated? Created { get; private set; }

    /// <summary>The end, once it came.</summary>
    public ChatEnded? Ended { get; private set; }

    /// <summary>Sends journaled as intended with no outcome after them, oldest first: each may or may not have reached Genesys.</summary>
    public IReadOnlyCollection<SendIntended> UnresolvedSends => _unresolved.Values;

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
                if (intended.ClientMessageId is { } clientId)
                {
                    _clientIdsBySend[intended.SendId] = clientId;
                }

                break;
            case SendAccepted accepted:
                _unresolved.Remove(accepted.SendId);
                if (_clientIdsBySend.TryGetValue(accepted.SendId, out var acceptedClientId))
                {
                    AcceptedByClientId[acceptedClientId] = accepted;
                }

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
