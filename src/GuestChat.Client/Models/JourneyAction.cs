namespace GuestChat.Client.Models;

/// <summary>The journey action that triggered a chat.</summary>
public sealed record JourneyAction
{
    public string? Id { get; init; }

    public JourneyActionMap? ActionMap { get; init; }
}
