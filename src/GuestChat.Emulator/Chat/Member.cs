using GuestChat.Client.Models;

namespace GuestChat.Emulator.Chat;

/// <summary>A member of an emulated chat. Mutated only under its conversation's lock.</summary>
internal sealed class Member
{
    public required string Id { get; init; }

    public required MemberRole Role { get; init; }

    public string? DisplayName { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Email { get; init; }

    public string? PhoneNumber { get; init; }

    public string? AvatarImageUrl { get; init; }

    public IReadOnlyDictionary<string, string>? CustomFields { get; init; }

    public bool? AuthenticatedGuest { get; init; }

    public MemberState State { get; set; }

    public DateTimeOffset JoinDate { get; init; }

    public DateTimeOffset? LeaveDate { get; set; }

    public WebChatMemberInfo ToWire() => new()
    {
        Id = Id,
        DisplayName = DisplayName,
        FirstName = FirstName,
        LastName = LastName,
        Email = Email,
        PhoneNumber = PhoneNumber,
        AvatarImageUrl = AvatarImageUrl,
        Role = Role,
        JoinDate = JoinDate,
        LeaveDate = LeaveDate,
        AuthenticatedGuest = AuthenticatedGuest,
        CustomFields = CustomFields,
        State = State,
    };
}
