using Akka.Actor;
using GuestChat.Client.Models;

namespace GuestChat.Actors.Conversations;

/// <summary>
/// What a caller asks of a conversation. Each command is answered to its sender: accepted
/// (<see cref="ConversationEvents.Started"/>, <see cref="ConversationEvents.MessageAccepted"/> or
/// <see cref="ConversationEvents.CommandAccepted"/>) or <see cref="ConversationEvents.CommandRejected"/> with
/// the reason. Callers who do not care may Tell; the answer is then dropped, not dead-lettered.
/// </summary>
public static class ConversationCommands
{
    /// <summary>Genesys's limit on a message body.</summary>
    public const int MaxBodyLength = 4000;

    /// <summary>The longest client message id a caller may attach.</summary>
    public const int MaxClientMessageIdLength = 128;

    /// <summary>Open the chat with the full create request; answered <see cref="ConversationEvents.Started"/> or <see cref="ConversationEvents.CommandRejected"/>.</summary>
    public sealed record Start(ConversationKey Key, CreateWebChatConversationRequest Request) : IConversationCommand
    {
        /// <inheritdoc />
        public CommandProblem? Validate() =>
            Request is null ? new CommandProblem("request", "the create request is missing", Missing: true)
            : Request.MemberInfo?.DisplayName is not { Length: > 0 } ? new CommandProblem("memberInfo.displayName", "memberInfo.displayName is required", Missing: true)
            : null;
    }

    /// <summary>Send a message (standard or notice); answered <see cref="ConversationEvents.MessageAccepted"/> only once Genesys accepted it.</summary>
    public sealed record SendMessage(ConversationKey Key, string Body, BodyType BodyType = BodyType.Standard, string? ClientMessageId = null) : IConversationCommand
    {
        /// <inheritdoc />
        public CommandProblem? Validate() =>
            string.IsNullOrWhiteSpace(Body) ? new CommandProblem("body", "body is required", Missing: true)
            : Body.Length > MaxBodyLength ? new CommandProblem("body", $"body is {Body.Length} characters; the limit is {MaxBodyLength}")
            : BodyType is not (BodyType.Standard or BodyType.Notice) ? new CommandProblem("bodyType", "a guest sends standard or notice messages only")
            : ClientMessageId is { Length: > MaxClientMessageIdLength } ? new CommandProblem("clientMessageId", $"clientMessageId is at most {MaxClientMessageIdLength} characters")
            : null;
    }

    /// <summary>Say the guest is typing; sent at most once per 3 s, extra requests coalesced.</summary>
    public sealed record SendTyping(ConversationKey Key) : IConversationCommand
    {
        /// <inheritdoc />
        public CommandProblem? Validate() => null;
    }

    /// <summary>Answer an agent's media request; accepted once Genesys took the answer, rejected as not found or already answered.</summary>
    public sealed record AnswerMediaRequest(ConversationKey Key, string MediaRequestId, MediaRequestDecision Decision) : IConversationCommand
    {
        /// <inheritdoc />
        public CommandProblem? Validate() =>
            string.IsNullOrWhiteSpace(MediaRequestId) ? new CommandProblem("mediaRequestId", "mediaRequestId is required", Missing: true)
            : Decision is not (MediaRequestDecision.Accept or MediaRequestDecision.Decline) ? new CommandProblem("decision", "decision must be accept or decline")
            : null;
    }

    /// <summary>Leave the chat; accepted once the chat has ended.</summary>
    public sealed record End(ConversationKey Key) : IConversationCommand
    {
        /// <inheritdoc />
        public CommandProblem? Validate() => null;
    }

    /// <summary>Receive the conversation's events from now on (and its state at once).</summary>
    public sealed record Subscribe(ConversationKey Key, IActorRef Subscriber) : IToConversation;

    /// <summary>Stop receiving them.</summary>
    public sealed record Unsubscribe(ConversationKey Key, IActorRef Subscriber) : IToConversation;

    /// <summary>
    /// Stop here without leaving the chat: the socket closes, the guest stays, and the conversation resumes
    /// from its journal wherever it starts next. The hand-off message a cluster's shards send when they
    /// move; also what a conversation's own request to be stopped comes back as.
    /// </summary>
    public sealed record StopConversation
    {
        /// <summary>The one instance.</summary>
        public static StopConversation Instance { get; } = new();
    }

    /// <summary>
    /// Receive the events of every conversation (answered with nothing): in a cluster, of every node's, or
    /// with <paramref name="HereOnly"/> of the conversations living on this node only.
    /// </summary>
    public sealed record SubscribeAll(IActorRef Subscriber, bool HereOnly = false);

    /// <summary>Stop receiving them.</summary>
    public sealed record UnsubscribeAll(IActorRef Subscriber);
}

/// <summary>A command to one conversation: answered accepted or rejected, and checked against its own rules first.</summary>
public interface IConversationCommand : IToConversation
{
    /// <summary>What breaks the command's rules (the field and why), or null when it may be carried out.</summary>
    CommandProblem? Validate();
}

/// <summary>A rule a command breaks: the field, named as the HTTP API names it, why, and whether it is simply missing.</summary>
public sealed record CommandProblem(string Field, string Reason, bool Missing = false)
{
    /// <summary>The rejection kind this problem is told as.</summary>
    public RejectionKind Kind => Missing ? RejectionKind.Missing : RejectionKind.Invalid;
}
