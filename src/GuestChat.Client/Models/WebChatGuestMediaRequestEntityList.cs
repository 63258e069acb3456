namespace GuestChat.Client.Models;

/// <summary>All media requests of a conversation (no paging).</summary>
public sealed record WebChatGuestMediaRequestEntityList
{
    public IReadOnlyList<WebChatGuestMediaRequest>? Entities { get; init; }
}
