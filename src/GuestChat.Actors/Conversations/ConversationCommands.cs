using Akka.Actor;
using GuestChat.Client.Models;

namespace GuestChat.Actors.Conversations;

/// <summary>What a caller asks of a conversation. Each is answered to its sender (see <see cref="ConversationEvents"/>).</summary>
public static class ConversationCommands
{
    /// <summary>Open the chat with the full create request; answered <see cref="ConversationEvents.Started"/> or <see cref="ConversationEvents.CommandRejected"/>.</summary>
    public sealed record Start(ConversationKey Key, CreateWebChatConversationRequest Request) : IWithConversationKey;

    /// <summary>Send a message (standard or notice); answered <see cref="ConversationEvents.MessageAccepted"/> only once Genesys accepted it.</summary>
    public sealed record SendMessage(ConversationKey Key, string Body, BodyType BodyType = BodyType.Standard, string? ClientMessageId = null) : IWithConversationKey;

    /// <summary>Say the guest is typing; sent at most once per 3 s, extra requests coalesced.</summary>
    public sealed record SendTyping(ConversationKey Key) : IWithConversationKey;

    /// <summary>Answer an agent's media request.</summary>
    public sealed record AnswerMediaRequest(ConversationKey Key, string MediaRequestId, MediaRequestDecision Decision) : IWithConversationKey;

    /// <summary>Leave the chat.</summary>
    public sealed record End(ConversationKey Key) : IWithConversationKey;

    /// <summary>Receive the conversation's events from now on (and its state at once).</summary>
    public sealed record Subscribe(ConversationKey Key, IActorRef Subscriber) : IWithConversationKey;

    /// <summary>Stop receiving them.</summary>
    public sealed record Unsubscribe(ConversationKey Key, IActorRef Subscriber) : IWithConversationKey;

    /// <summary>Receive the events of every conversation the manager holds (answered with nothing).</summary>
    public sealed record SubscribeAll(IActorRef Subscriber);

    /// <summary>Stop receiving them.</summary>
    public sealed record UnsubscribeAll(IActorRef Subscriber);
}
