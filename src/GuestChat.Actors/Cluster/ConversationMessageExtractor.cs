using Akka.Cluster.Sharding;
using GuestChat.Actors.Conversations;

namespace GuestChat.Actors.Cluster;

/// <summary>
/// Routes every message addressed to one conversation (<see cref="IToConversation"/>, the start
/// included) to the entity named by its key, unchanged: the shard region takes the very messages the
/// single node's <see cref="ConversationManager"/> takes. The shard is the key's stable hash modulo the
/// number of shards.
/// </summary>
public sealed class ConversationMessageExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    /// <inheritdoc />
    public override string? EntityId(object message) => message is IToConversation addressed ? addressed.Key.Value : null;
}
