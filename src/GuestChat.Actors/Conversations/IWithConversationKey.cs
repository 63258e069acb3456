namespace GuestChat.Actors.Conversations;

/// <summary>A message about one conversation: what it is asked, and what it tells.</summary>
public interface IWithConversationKey
{
    /// <summary>The conversation it is about.</summary>
    ConversationKey Key { get; }
}

/// <summary>A message addressed to one conversation (command, query, subscription); the manager (later a shard region) routes it by key.</summary>
public interface IToConversation : IWithConversationKey;
