namespace GuestChat.Client.Events;

/// <summary>The body of a <c>typing-indicator</c> frame.</summary>
public sealed record TypingEventBody
{
    /// <summary>The event id, for de-duplication.</summary>
    public string? Id { get; init; }

    /// <summary>The conversation.</summary>
    public EntityRef? Conversation { get; init; }

    /// <summary>The typing member, by id.</summary>
    public EntityRef? Sender { get; init; }

    /// <summary>When the member typed.</summary>
    public DateTimeOffset? Timestamp { get; init; }
}
