namespace GuestChat.Client.Models;

/// <summary>A co-browse or screen-share request raised by an agent.</summary>
public sealed record WebChatGuestMediaRequest
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    public IReadOnlyList<MediaType>? Types { get; init; }

    public MediaRequestState? State { get; init; }

    public string? CommunicationId { get; init; }

    public string? SecurityKey { get; init; }

    public string? SelfUri { get; init; }
}
