namespace GuestChat.Client.Http;

/// <summary>
/// Which lane of the host's request budget a call waits in. When calls queue, the budget is shared
/// by weight (<see cref="RateLimitOptions.LaneWeights"/>), so a reconnect storm's reads cannot starve
/// the sends of chats that are fine, and neither can starve the other.
/// </summary>
public enum RequestPriority
{
    /// <summary>What a guest or caller is waiting for: create, send, leave, media answers.</summary>
    Interactive = 0,

    /// <summary>Catching up after trouble: backfills, member look-ups, transcript checks.</summary>
    Recovery = 1,

    /// <summary>What may be late or dropped without harm: typing indicators.</summary>
    Background = 2,
}
