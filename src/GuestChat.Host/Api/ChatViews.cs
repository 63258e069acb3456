using GuestChat.Actors.Conversations;
using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.Conversations.ConversationQueries;

namespace GuestChat.Host.Api;

/// <summary>What the HTTP API answers.</summary>
internal static class ChatViews
{
    /// <summary>A chat just created.</summary>
    public sealed record Created(string Key, string ConversationId, string MemberId);

    /// <summary>One chat in a list.</summary>
    public sealed record Summary(string Key, ConversationState State, ConversationEndReason? EndReason);

    /// <summary>All chats, and how many there are in each state.</summary>
    public sealed record ChatList(int Total, IReadOnlyDictionary<string, int> ByState, IReadOnlyList<Summary> Chats);

    /// <summary>One chat: where it stands, who is in it, what was said, and (in a cluster) the node it lives on.</summary>
    public sealed record Chat(
        string Key,
        ConversationState State,
        string? ConversationId,
        string? MemberId,
        ConversationEndReason? EndReason,
        string? Error,
        IReadOnlyList<MemberView> Members,
        IReadOnlyList<Line> Transcript,
        string? Node = null);

    /// <summary>A member of a chat.</summary>
    public sealed record MemberView(string Id, MemberRole? Role, string? DisplayName, MemberState State)
    {
        public static MemberView Of(Member member) => new(member.Id, member.Role, member.DisplayName, member.State);
    }

    /// <summary>One message of a transcript.</summary>
    public sealed record Line(string MessageId, string SenderId, MemberRole? SenderRole, string Body, BodyType BodyType, DateTimeOffset Timestamp)
    {
        public static Line Of(TranscriptLine line) => new(line.MessageId, line.SenderId, line.SenderRole, line.Body, line.BodyType, line.Timestamp);
    }

    /// <summary>A message Genesys accepted.</summary>
    public sealed record Accepted(string MessageId, string? ClientMessageId, DateTimeOffset Timestamp);

    /// <summary>A command taken; its effect shows in the chat's state and events.</summary>
    public sealed record Taken(string Key, string Status);
}
