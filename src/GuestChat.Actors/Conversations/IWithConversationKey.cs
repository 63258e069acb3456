namespace GuestChat.Actors.Conversations;

/// <summary>A message addressed to one conversation; the manager (later a shard region) routes it by key.</summary>
public interface IWithConversationKey
{
    /// <summary>The conversation it is for.</summary>
    ConversationKey Key { get; }
}
