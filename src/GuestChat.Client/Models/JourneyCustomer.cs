namespace GuestChat.Client.Models;

/// <summary>The journey customer a chat belongs to.</summary>
public sealed record JourneyCustomer
{
    public string? Id { get; init; }

    public string? IdType { get; init; }
}
