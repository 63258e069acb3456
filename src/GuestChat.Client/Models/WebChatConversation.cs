namespace GuestChat.Client.Models;

/// <summary>The conversation a message or typing event belongs to.</summary>
public sealed record WebChatConversation
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    public WebChatMemberInfo? Member { get; init; }

    public string? SelfUri { get; init; }
}
