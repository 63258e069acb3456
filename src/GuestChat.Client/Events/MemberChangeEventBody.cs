namespace GuestChat.Client.Events;

/// <summary>The body of a <c>member-change</c> frame.</summary>
public sealed record MemberChangeEventBody
{
    /// <summary>The conversation.</summary>
    public EntityRef? Conversation { get; init; }

    /// <summary>The member and its new state.</summary>
    public MemberRef? Member { get; init; }

    /// <summary>When the change happened.</summary>
    public DateTimeOffset? Timestamp { get; init; }
}
