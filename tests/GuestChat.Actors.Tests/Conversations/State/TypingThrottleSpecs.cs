using GuestChat.Actors.Conversations.State;

namespace GuestChat.Actors.Tests.Conversations.State;

public sealed class TypingThrottleSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    [Fact]
    public void The_first_request_goes_at_once()
    {
        var step = default(TypingThrottle).Request(T0, Interval);
        Assert.True(step.SendNow);
        Assert.Equal(T0, step.Next.LastSent);
    }

    [Fact]
    public void Requests_inside_the_interval_become_one_trailing_indicator_when_it_opens()
    {
        var throttle = default(TypingThrottle).Request(T0, Interval).Next;

        var second = throttle.Request(T0.AddSeconds(1), Interval);
        Assert.False(second.SendNow);
        Assert.Equal(TimeSpan.FromSeconds(2), second.SendAfter);
        var third = second.Next.Request(T0.AddSeconds(2), Interval);
        Assert.False(third.SendNow);
        Assert.Null(third.SendAfter);

        var after = third.Next.TrailingSent(T0.AddSeconds(3));
        Assert.Equal(new TypingThrottle(T0.AddSeconds(3), false), after);
        Assert.Equal(TimeSpan.FromSeconds(2.5), after.Request(T0.AddSeconds(3.5), Interval).SendAfter);
    }

    [Fact]
    public void A_request_after_the_interval_goes_at_once_again()
    {
        var throttle = default(TypingThrottle).Request(T0, Interval).Next;
        Assert.True(throttle.Request(T0 + Interval, Interval).SendNow);
    }
}
