namespace GuestChat.Actors.Conversations.State;

/// <summary>
/// A chat's sends, one at a time: Genesys orders a chat's messages by when it accepted them, so a send
/// starts only after the one before it was accepted or given up, and the agent reads them in the order
/// the guest wrote them. Deterministic and free of I/O.
/// </summary>
public sealed class SendQueue<T>
{
    private readonly Queue<T> _waiting = new();

    /// <summary>Whether a send is on its way (posted, or being checked after an unknown outcome).</summary>
    public bool InFlight { get; private set; }

    /// <summary>Sends waiting behind the one in flight.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>A new send: true when it may start now, false when it waits its turn.</summary>
    public bool Offer(T send)
    {
        if (InFlight)
        {
            _waiting.Enqueue(send);
            return false;
        }

        InFlight = true;
        return true;
    }

    /// <summary>The send in flight is done (accepted or given up): the next one to start, if any.</summary>
    public bool TryNext(out T next)
    {
        if (_waiting.TryDequeue(out next!))
        {
            return true;
        }

        InFlight = false;
        return false;
    }

    /// <summary>The chat is over: every waiting send, to be answered; nothing is in flight any more.</summary>
    public IReadOnlyList<T> Drain()
    {
        var waiting = _waiting.ToList();
        _waiting.Clear();
        InFlight = false;
        return waiting;
    }
}
