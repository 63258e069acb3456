namespace GuestChat.Client.WebMessaging;

/// <summary>The body of a <c>StructuredMessage</c> frame, as far as a guest's conversation uses it.</summary>
/// <param name="Id">The message's id.</param>
/// <param name="Type"><c>Text</c>, <c>Event</c> or <c>Structured</c>.</param>
/// <param name="Text">The text, for a text message.</param>
/// <param name="Direction"><c>Inbound</c> (from the guest) or <c>Outbound</c> (to the guest).</param>
/// <param name="Time">When it was sent (<c>channel.time</c>), as the server wrote it.</param>
/// <param name="SenderNickname">The sender's display name (<c>channel.from.nickname</c>), when given.</param>
/// <param name="OriginatingEntity"><c>Human</c> or <c>Bot</c>, when given.</param>
/// <param name="Events">The events it carries (typing, presence).</param>
/// <param name="Metadata">String metadata, such as <c>readOnly</c> on the end of a conversation.</param>
public sealed record StructuredMessage(
    string? Id,
    string? Type,
    string? Text,
    string? Direction,
    string? Time,
    string? SenderNickname,
    string? OriginatingEntity,
    IReadOnlyList<MessagingEvent> Events,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>When it was sent (<see cref="Time"/> read as UTC), when that can be read.</summary>
    public DateTimeOffset? SentAt =>
        DateTimeOffset.TryParse(Time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    /// <summary>Whether it came from the guest (its own message, or the answer to <c>echo</c>).</summary>
    public bool IsInbound => string.Equals(Direction, "Inbound", StringComparison.Ordinal);

    /// <summary>Whether it says the conversation ended (a Presence Disconnect event, or <c>readOnly</c> metadata).</summary>
    public bool EndsConversation =>
        Events.Any(e => e is { EventType: "Presence", Type: "Disconnect" })
        || (Metadata.TryGetValue("readOnly", out var readOnly) && string.Equals(readOnly, "true", StringComparison.OrdinalIgnoreCase));
}
