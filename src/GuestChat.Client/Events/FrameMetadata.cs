using System.Text.Json.Serialization;

namespace GuestChat.Client.Events;

/// <summary>The <c>metadata</c> object of a chat frame. Note the casing of <c>CorrelationId</c>.</summary>
public sealed record FrameMetadata
{
    /// <summary>An id per event, written with a capital C by the real servers.</summary>
    [JsonPropertyName("CorrelationId")]
    public string? CorrelationId { get; init; }

    /// <summary><c>member-change</c>, <c>message</c> or <c>typing-indicator</c>.</summary>
    public string? Type { get; init; }
}
