namespace GuestChat.Client.Models;

/// <summary>One page of messages.</summary>
public sealed record WebChatMessageEntityList
{
    public int? PageSize { get; init; }

    public IReadOnlyList<WebChatMessage>? Entities { get; init; }

    /// <summary>Relative URI of the page before this one; absent at the start.</summary>
    public string? PreviousPage { get; init; }

    /// <summary>Relative URI of the page after this one; absent at the end.</summary>
    public string? Next { get; init; }

    public string? SelfUri { get; init; }
}
