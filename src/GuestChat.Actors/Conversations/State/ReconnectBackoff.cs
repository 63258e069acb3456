namespace GuestChat.Actors.Conversations.State;

/// <summary>
/// Reconnecting a lost socket: which attempt this is, since when the chat has been without one, how
/// long to wait before the next (exponential, with jitter over the upper half), and when to give up.
/// A value, free of clocks and randomness: both are passed in.
/// </summary>
public readonly record struct ReconnectBackoff(int Attempt, DateTimeOffset Since)
{
    /// <summary>Every this many failed attempts the conversation asks Genesys whether the guest is still in the chat.</summary>
    public const int MembershipCheckEvery = 5;

    /// <summary>The first attempt after a socket was lost at <paramref name="now"/>.</summary>
    public static ReconnectBackoff Begin(DateTimeOffset now) => new(1, now);

    /// <summary>The attempt after this one failed.</summary>
    public ReconnectBackoff Failed() => this with { Attempt = Attempt + 1 };

    /// <summary>Whether this attempt should first check that the guest is still in the chat.</summary>
    public bool ChecksMembership => Attempt % MembershipCheckEvery == 0;

    /// <summary>The wait before this attempt: base × 2^(attempt-1), at most <paramref name="maxDelay"/>, then scaled into its upper half by <paramref name="jitter"/> (0..1).</summary>
    public TimeSpan Delay(TimeSpan baseDelay, TimeSpan maxDelay, double jitter)
    {
        var ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(Attempt - 1, 20)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Math.Clamp(jitter, 0, 1) * ceiling / 2));
    }

    /// <summary>Whether the chat has been without a socket for longer than <paramref name="window"/>.</summary>
    public bool WindowClosed(DateTimeOffset now, TimeSpan window) => now - Since > window;
}
