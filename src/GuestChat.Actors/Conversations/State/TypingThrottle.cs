namespace GuestChat.Actors.Conversations.State;

/// <summary>
/// The guest's typing indicators: at most one per interval; requests inside the interval are coalesced
/// into one trailing indicator when it opens. A value: each step returns the next throttle and what to do.
/// </summary>
public readonly record struct TypingThrottle(DateTimeOffset? LastSent, bool TrailingPending)
{
    /// <summary>The guest is typing: send now, later (after <see cref="TypingStep.SendAfter"/>), or nothing (already planned).</summary>
    public TypingStep Request(DateTimeOffset now, TimeSpan interval)
    {
        if (LastSent is not { } last || now - last >= interval)
        {
            return new TypingStep(new TypingThrottle(now, false), SendNow: true, SendAfter: null);
        }

        return TrailingPending
            ? new TypingStep(this, SendNow: false, SendAfter: null)
            : new TypingStep(this with { TrailingPending = true }, SendNow: false, SendAfter: interval - (now - last));
    }

    /// <summary>The interval after the last indicator has passed: the trailing one goes now.</summary>
    public TypingThrottle TrailingSent(DateTimeOffset now) => new(now, false);
}

/// <summary>One step of the throttle: the next state, whether to send now, and when to send the trailing one (once).</summary>
public readonly record struct TypingStep(TypingThrottle Next, bool SendNow, TimeSpan? SendAfter);
