namespace GuestChat.Client.Models;

/// <summary>The guest as the create request describes it.</summary>
public sealed record GuestMemberInfo
{
    public string? DisplayName { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Email { get; init; }

    public string? PhoneNumber { get; init; }

    public string? AvatarImageUrl { get; init; }

    public IReadOnlyDictionary<string, string>? CustomFields { get; init; }
}
