namespace GuestChat.Client.Events;

/// <summary>A reference by id only, as events carry them (<c>conversation</c>, <c>sender</c>).</summary>
public sealed record EntityRef
{
    /// <summary>The id.</summary>
    public string? Id { get; init; }
}
