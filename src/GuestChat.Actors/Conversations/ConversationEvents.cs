using GuestChat.Client.Errors;
using GuestChat.Client.Models;

namespace GuestChat.Actors.Conversations;

/// <summary>What a conversation tells its subscribers, and its answers to commands.</summary>
public static class ConversationEvents
{
    /// <summary>A member as subscribers see it: resolved once with GET /members/{id} and cached (role unknown only when that failed).</summary>
    public sealed record Member(string Id, MemberRole? Role, string? DisplayName, MemberState State);

    /// <summary>The chat exists at Genesys (answer to Start).</summary>
    public sealed record Started(ConversationKey Key, string ConversationId, string MemberId) : IWithConversationKey;

    /// <summary>The conversation moved to another state.</summary>
    public sealed record StateChanged(ConversationKey Key, ConversationState State) : IWithConversationKey;

    /// <summary>A member joined, changed state or left (an agent leaving while the guest stays is a transfer).</summary>
    public sealed record MemberChanged(ConversationKey Key, Member Member) : IWithConversationKey;

    /// <summary>
    /// A message from another member (agent, workflow, system), delivered once, in timestamp order.
    /// <paramref name="Sequence"/> orders the chat's messages and survives a restart with a durable
    /// journal (it is the message's place in the journal): a reader that saw up to N asks for the rest
    /// with <see cref="ConversationQueries.GetMessagesSince"/>.
    /// </summary>
    public sealed record MessageReceived(ConversationKey Key, string MessageId, Member Sender, string Body, BodyType BodyType, DateTimeOffset Timestamp, long Sequence = 0) : IWithConversationKey;

    /// <summary>Another member is typing, until <see cref="ExpiresAt"/> or that member's next message.</summary>
    public sealed record Typing(ConversationKey Key, Member Member, DateTimeOffset ExpiresAt) : IWithConversationKey;

    /// <summary>An agent asks for co-browse or screen share.</summary>
    public sealed record MediaRequested(ConversationKey Key, WebChatGuestMediaRequest Request) : IWithConversationKey;

    /// <summary>A send was accepted by Genesys (answer to SendMessage).</summary>
    public sealed record MessageAccepted(ConversationKey Key, string? ClientMessageId, string MessageId, DateTimeOffset Timestamp) : IWithConversationKey;

    /// <summary>A typing indicator, media answer or end carried out (typing: taken, sent within the throttle window).</summary>
    public sealed record CommandAccepted(ConversationKey Key, object Command) : IWithConversationKey;

    /// <summary>A command that cannot be served: the reason, its kind, the field at fault if any, and, when Genesys refused it, its error.</summary>
    public sealed record CommandRejected(ConversationKey Key, object Command, string Reason, GuestChatError? Error = null, RejectionKind Kind = RejectionKind.Refused, string? Field = null) : IWithConversationKey;

    /// <summary>The socket is gone and a new one is on its way.</summary>
    public sealed record Reconnecting(ConversationKey Key, int Attempt, TimeSpan Delay) : IWithConversationKey;

    /// <summary>The JWT expires soon (there is no refresh; the chat ends then).</summary>
    public sealed record JwtExpiring(ConversationKey Key, DateTimeOffset ExpiresAt) : IWithConversationKey;

    /// <summary>
    /// Told by a subscription, not by the conversation: the conversation it followed stopped on this node
    /// without ending (in a cluster, it moved to another node) and tells this subscriber nothing more.
    /// Subscribe again, and read what was said meanwhile by sequence.
    /// </summary>
    public sealed record SubscriptionLost(ConversationKey Key) : IWithConversationKey;

    /// <summary>The conversation is over; told once.</summary>
    public sealed record Ended(ConversationKey Key, ConversationEndReason Reason, GuestChatError? Error = null) : IWithConversationKey;
}
