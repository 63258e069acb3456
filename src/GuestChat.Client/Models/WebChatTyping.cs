namespace GuestChat.Client.Models;

/// <summary>Answer to a typing POST.</summary>
public sealed record WebChatTyping
{
    /// <summary>An event id, for de-duplication.</summary>
    public string? Id { get; init; }

    public WebChatConversation? Conversation { get; init; }

    public WebChatMemberInfo? Sender { get; init; }

    public DateTimeOffset? Timestamp { get; init; }
}
