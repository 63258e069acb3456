namespace GuestChat.Client.Models;

/// <summary>One page of members.</summary>
public sealed record WebChatMemberInfoEntityList
{
    public IReadOnlyList<WebChatMemberInfo>? Entities { get; init; }

    public int? PageSize { get; init; }

    public int? PageNumber { get; init; }

    public long? Total { get; init; }

    public string? FirstUri { get; init; }

    public string? SelfUri { get; init; }

    public string? NextUri { get; init; }

    public string? PreviousUri { get; init; }

    public string? LastUri { get; init; }

    public int? PageCount { get; init; }
}
