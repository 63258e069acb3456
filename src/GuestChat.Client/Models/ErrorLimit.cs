namespace GuestChat.Client.Models;

/// <summary>The rate limit a 429 answer refers to.</summary>
public sealed record ErrorLimit
{
    public string? Key { get; init; }

    public string? Namespace { get; init; }

    public long? Value { get; init; }
}
