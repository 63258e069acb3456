using GuestChat.Actors.Conversations.State;

namespace GuestChat.Actors.Tests.Conversations.State;

public sealed class ReconnectBackoffSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(10);

    [Fact]
    public void Delays_double_each_attempt_within_their_upper_half_and_stop_growing_at_the_maximum()
    {
        var backoff = ReconnectBackoff.Begin(T0);
        Assert.Equal((TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500)), (backoff.Delay(Base, Max, 0), backoff.Delay(Base, Max, 1)));

        backoff = backoff.Failed().Failed();
        Assert.Equal(3, backoff.Attempt);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)), (backoff.Delay(Base, Max, 0), backoff.Delay(Base, Max, 1)));

        for (var i = 0; i < 40; i++)
        {
            backoff = backoff.Failed();
        }

        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)), (backoff.Delay(Base, Max, 0), backoff.Delay(Base, Max, 1)));
    }

    [Fact]
    public void Every_fifth_attempt_checks_the_guest_is_still_in_the_chat()
    {
        var attempts = Enumerable.Range(0, 10).Select(n => Enumerable.Range(0, n).Aggregate(ReconnectBackoff.Begin(T0), (b, _) => b.Failed())).ToList();
        Assert.Equal([5, 10], attempts.Where(b => b.ChecksMembership).Select(b => b.Attempt));
    }

    [Fact]
    public void The_window_is_counted_from_the_first_loss_not_from_the_last_attempt()
    {
        var backoff = ReconnectBackoff.Begin(T0).Failed().Failed();
        Assert.False(backoff.WindowClosed(T0.AddSeconds(110), TimeSpan.FromSeconds(110)));
        Assert.True(backoff.WindowClosed(T0.AddSeconds(111), TimeSpan.FromSeconds(110)));
    }
}
