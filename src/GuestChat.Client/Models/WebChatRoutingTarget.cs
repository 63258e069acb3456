namespace GuestChat.Client.Models;

/// <summary>Where the chat is routed: today always a queue, addressed by its name.</summary>
public sealed record WebChatRoutingTarget
{
    /// <summary>Only <c>QUEUE</c> exists; real servers accepted lowercase too.</summary>
    public RoutingTargetType? TargetType { get; init; }

    /// <summary>The queue name (not its id).</summary>
    public string? TargetAddress { get; init; }

    public IReadOnlyList<string>? Skills { get; init; }

    public string? Language { get; init; }

    public int? Priority { get; init; }
}
