using GuestChat.Actors.Conversations;
using GuestChat.Client.Errors;

namespace GuestChat.Actors.Hosting;

/// <summary>A command a conversation could not serve, with the reason and, when Genesys refused it, its error.</summary>
public sealed class ConversationRejectedException(ConversationEvents.CommandRejected rejection)
    : Exception($"Conversation {rejection.Key}: {rejection.Reason}")
{
    /// <summary>The rejection as the conversation told it.</summary>
    public ConversationEvents.CommandRejected Rejection { get; } = rejection;

    /// <summary>The Genesys error, when there was one.</summary>
    public GuestChatError? Error => Rejection.Error;
}
