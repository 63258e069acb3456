using GuestChat.Client;
using GuestChat.Client.Models;

namespace GuestChat.Emulator.Chat;

/// <summary>One message of a transcript. Immutable once appended.</summary>
internal sealed record ChatMessage(string Id, string ConversationId, string SenderId, string Body, BodyType BodyType, DateTimeOffset Timestamp)
{
    /// <summary>The tracing id of the Web Messaging request that sent it (the guest's own messages on that API), echoed with it.</summary>
    public string? TracingId { get; init; }

    public WebChatMessage ToWire() => new()
    {
        Id = Id,
        Conversation = new WebChatConversation
        {
            Id = ConversationId,
            SelfUri = GuestChatPaths.PlatformConversation(ConversationId),
        },
        Sender = new WebChatMemberInfo { Id = SenderId },
        Body = Body,
        BodyType = BodyType,
        Timestamp = Timestamp,
        SelfUri = GuestChatPaths.Message(ConversationId, Id),
    };
}
