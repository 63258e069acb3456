using GuestChat.Client.Models;

namespace GuestChat.Client.Events;

/// <summary>The body of a <c>message</c> frame.</summary>
public sealed record MessageEventBody
{
    /// <summary>The message id, the key for de-duplication and for <c>after=</c> backfill.</summary>
    public string? Id { get; init; }

    /// <summary>The conversation.</summary>
    public EntityRef? Conversation { get; init; }

    /// <summary>The sending member, by id.</summary>
    public EntityRef? Sender { get; init; }

    /// <summary>The text; for a media request, the media request id.</summary>
    public string? Body { get; init; }

    /// <summary>What the body holds.</summary>
    public BodyType? BodyType { get; init; }

    /// <summary>When the message was accepted; the order of a transcript.</summary>
    public DateTimeOffset? Timestamp { get; init; }
}
