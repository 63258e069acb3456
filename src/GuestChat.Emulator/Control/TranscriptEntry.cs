using GuestChat.Client.Models;

namespace GuestChat.Emulator.Control;

/// <summary>One message of a transcript, with who sent it.</summary>
public sealed record TranscriptEntry
{
    /// <summary>The message id.</summary>
    public required string Id { get; init; }

    /// <summary>The sender's member id.</summary>
    public required string SenderId { get; init; }

    /// <summary>The sender's role.</summary>
    public MemberRole? SenderRole { get; init; }

    /// <summary>The sender's display name.</summary>
    public string? SenderName { get; init; }

    /// <summary>The text (for a media request, its id).</summary>
    public required string Body { get; init; }

    /// <summary>What the body holds.</summary>
    public required BodyType BodyType { get; init; }

    /// <summary>When it was accepted.</summary>
    public required DateTimeOffset Timestamp { get; init; }
}
