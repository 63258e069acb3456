namespace GuestChat.Client.Models;

/// <summary>Body of a message POST.</summary>
public sealed record CreateWebChatMessageRequest
{
    /// <summary>At most 4,000 characters.</summary>
    public string? Body { get; init; }

    /// <summary>Guests send standard (the default when absent) or notice.</summary>
    public BodyType? BodyType { get; init; }
}
