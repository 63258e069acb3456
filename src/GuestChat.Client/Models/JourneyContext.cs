namespace GuestChat.Client.Models;

/// <summary>Predictive engagement context of a chat.</summary>
public sealed record JourneyContext
{
    public JourneyCustomer? Customer { get; init; }

    public JourneyCustomerSession? CustomerSession { get; init; }

    public JourneyAction? TriggeringAction { get; init; }
}
