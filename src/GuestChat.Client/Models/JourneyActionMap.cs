namespace GuestChat.Client.Models;

/// <summary>The action map that triggered a chat.</summary>
public sealed record JourneyActionMap
{
    public string? Id { get; init; }

    public int? Version { get; init; }
}
