using Akka.Actor;

namespace GuestChat.Actors.Conversations;

/// <summary>
/// Where a conversation lives, the same for every conversation of one node: the node's
/// <see cref="Directory"/> (told every event, so it can answer for all chats: the
/// <see cref="ConversationManager"/> on a single node, a <see cref="Cluster.ConversationDirectory"/> in a
/// cluster), the node's <see cref="Capacity"/>, and whether the conversation is a sharded entity (which
/// a cluster starts on any message, and which asks its shard to stop it rather than stopping itself).
/// With an <see cref="Audience"/> (a single node), a conversation tells its events to the node's
/// subscribers itself and the directory only what it keeps (state changes and ends); without one (a
/// cluster, whose directory passes events on to the other nodes), the directory is told every event.
/// </summary>
public sealed record ConversationPlace(IActorRef Directory, ConversationCapacity Capacity, bool Sharded, ConversationAudience? Audience = null)
{
    /// <summary>A conversation alone (specs): nobody told, no limit.</summary>
    public static ConversationPlace Alone { get; } = new(ActorRefs.Nobody, new ConversationCapacity(int.MaxValue), Sharded: false);
}

/// <summary>
/// How many conversations one node holds (ended ones until their retention is over), shared by all of
/// them: a new chat takes a place or is refused as <see cref="ConversationEvents.RejectionKind.AtCapacity"/>;
/// a chat resumed from the journal always takes one (it exists already, refusing it would lose it).
/// </summary>
public sealed class ConversationCapacity(int limit)
{
    private int _held;

    /// <summary>The most conversations a node holds.</summary>
    public int Limit { get; } = limit;

    /// <summary>How many it holds now.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Takes a place for a new chat; false when the node is full.</summary>
    public bool TryTake()
    {
        while (true)
        {
            var held = Volatile.Read(ref _held);
            if (held >= Limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _held, held + 1, held) == held)
            {
                return true;
            }
        }
    }

    /// <summary>Takes a place for a chat that exists already, whatever the limit.</summary>
    public void Take() => Interlocked.Increment(ref _held);

    /// <summary>Gives a place back.</summary>
    public void Release() => Interlocked.Decrement(ref _held);
}
