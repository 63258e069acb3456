using GuestChat.Client.Models;

namespace GuestChat.Actors.Conversations;

/// <summary>Questions about a conversation and their answers.</summary>
public static class ConversationQueries
{
    /// <summary>Where it stands; answered <see cref="Status"/>.</summary>
    public sealed record GetStatus(ConversationKey Key) : IToConversation;

    /// <summary>Where a conversation stands, and on which node it lives (its Akka address; in a cluster the one that runs it).</summary>
    public sealed record Status(
        ConversationKey Key,
        ConversationState State,
        string? ConversationId,
        string? MemberId,
        IReadOnlyList<ConversationEvents.Member> Members,
        ConversationEndReason? EndReason,
        string? Error,
        int Subscribers,
        string? Node = null) : IWithConversationKey;

    /// <summary>The messages from other members after <paramref name="Sequence"/>, in order (answered with <see cref="MessagesSince"/>): what a reader that reconnects missed.</summary>
    public sealed record GetMessagesSince(ConversationKey Key, long Sequence) : IToConversation;

    /// <summary>The answer to <see cref="GetMessagesSince"/>, with the newest sequence number of the chat so far (where a reader that has seen everything stands).</summary>
    public sealed record MessagesSince(ConversationKey Key, IReadOnlyList<ConversationEvents.MessageReceived> Messages, long Newest) : IWithConversationKey;

    /// <summary>The messages so far; answered <see cref="Transcript"/>.</summary>
    public sealed record GetTranscript(ConversationKey Key) : IToConversation;

    /// <summary>Every message of the chat this conversation has seen, in timestamp order, its own included.</summary>
    public sealed record Transcript(ConversationKey Key, IReadOnlyList<TranscriptLine> Lines) : IWithConversationKey;

    /// <summary>One message of a transcript.</summary>
    public sealed record TranscriptLine(string MessageId, string SenderId, MemberRole? SenderRole, string Body, BodyType BodyType, DateTimeOffset Timestamp);

    /// <summary>Every conversation the manager holds; answered <see cref="ConversationList"/>.</summary>
    public sealed record ListConversations;

    /// <summary>Every conversation and where it stands.</summary>
    public sealed record ConversationList(IReadOnlyList<ConversationSummary> Conversations);

    /// <summary>One conversation in a list.</summary>
    public sealed record ConversationSummary(ConversationKey Key, ConversationState State, ConversationEndReason? EndReason);
}
