namespace GuestChat.Client.Models;

/// <summary>The journey session a chat belongs to.</summary>
public sealed record JourneyCustomerSession
{
    public string? Id { get; init; }

    public string? Type { get; init; }
}
