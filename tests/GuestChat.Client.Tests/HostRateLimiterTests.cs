using GuestChat.Client.Http;
using GuestChat.Client.Tests.Support;

namespace GuestChat.Client.Tests;

public sealed class HostRateLimiterTests
{
    private static readonly RateLimitOptions Options = new()
    {
        RequestsPerSecond = 100,
        Burst = 10,
        MinimumRequestsPerSecond = 5,
        DecreaseFactor = 0.5,
        DecreaseInterval = TimeSpan.FromSeconds(1),
        RecoveryShare = 0.1,
    };

    [Fact]
    public void A_burst_passes_at_once_and_the_next_request_waits_its_turn()
    {
        var time = new ManualTime();
        var limiter = new HostRateLimiter(Options, time);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(limiter.AcquireAsync(CancellationToken.None).IsCompleted, $"request {i} of the burst waited");
        }

        Assert.False(limiter.AcquireAsync(CancellationToken.None).IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.AcquireAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void A_429_slows_the_host_once_per_interval_and_never_below_the_floor()
    {
        var time = new ManualTime();
        var limiter = new HostRateLimiter(Options with { RecoveryShare = 0 }, time);
        limiter.OnThrottled();
        limiter.OnThrottled();
        Assert.Equal(50, limiter.CurrentRate);

        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            limiter.OnThrottled();
        }

        Assert.Equal(5, limiter.CurrentRate);
    }

    [Fact]
    public void Under_a_429_every_second_the_rate_settles_where_recovery_balances_the_decrease()
    {
        var time = new ManualTime();
        var limiter = new HostRateLimiter(Options, time);
        for (var i = 0; i < 30; i++)
        {
            limiter.OnThrottled();
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.InRange(limiter.CurrentRate, 9.9, 10.1);
    }

    [Fact]
    public void The_rate_grows_back_while_no_429_arrives()
    {
        var time = new ManualTime();
        var limiter = new HostRateLimiter(Options, time);
        limiter.OnThrottled();
        Assert.Equal(50, limiter.CurrentRate);

        time.Advance(TimeSpan.FromSeconds(3));
        limiter.AcquireAsync(CancellationToken.None);
        Assert.Equal(80, limiter.CurrentRate, precision: 6);
        time.Advance(TimeSpan.FromSeconds(10));
        limiter.AcquireAsync(CancellationToken.None);
        Assert.Equal(100, limiter.CurrentRate);
    }

    [Fact]
    public void Limiting_can_be_switched_off()
    {
        var limiter = new HostRateLimiter(new RateLimitOptions { RequestsPerSecond = 0 }, new ManualTime());
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(limiter.AcquireAsync(CancellationToken.None).IsCompleted);
        }
    }
}
