namespace GuestChat.Client.Models;

/// <summary>A chat message as the REST API returns it.</summary>
public sealed record WebChatMessage
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    public WebChatConversation? Conversation { get; init; }

    /// <summary>Real traffic filled in only <c>id</c>.</summary>
    public WebChatMemberInfo? Sender { get; init; }

    public string? Body { get; init; }

    public BodyType? BodyType { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public string? SelfUri { get; init; }
}
