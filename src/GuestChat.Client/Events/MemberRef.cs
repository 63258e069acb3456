using GuestChat.Client.Models;

namespace GuestChat.Client.Events;

/// <summary>The member of a member-change event: id and state only, no role or name.</summary>
public sealed record MemberRef
{
    /// <summary>The member id.</summary>
    public string? Id { get; init; }

    /// <summary>The member's new state.</summary>
    public MemberState? State { get; init; }
}
