namespace GuestChat.Client.Models;

/// <summary>A member of a chat: the guest, an agent, the workflow or the ACD queue.</summary>
public sealed record WebChatMemberInfo
{
    public string? Id { get; init; }

    public string? DisplayName { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Email { get; init; }

    public string? PhoneNumber { get; init; }

    public string? AvatarImageUrl { get; init; }

    public MemberRole? Role { get; init; }

    public DateTimeOffset? JoinDate { get; init; }

    /// <summary>Absent while the member is in the chat.</summary>
    public DateTimeOffset? LeaveDate { get; init; }

    public bool? AuthenticatedGuest { get; init; }

    public IReadOnlyDictionary<string, string>? CustomFields { get; init; }

    public MemberState? State { get; init; }
}
