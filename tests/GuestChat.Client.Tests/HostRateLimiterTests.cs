using GuestChat.Client.Http;
using GuestChat.Client.Tests.Support;

namespace GuestChat.Client.Tests;

/// <summary>The host's request budget, on a manual clock: admission, lanes, and how it answers 429s.</summary>
public sealed class HostRateLimiterTests
{
    private static readonly RateLimitOptions Options = new()
    {
        RequestsPerSecond = 100,
        Burst = 10,
        MinimumRequestsPerSecond = 5,
    };

    [Fact]
    public void A_burst_passes_at_once_and_the_next_request_waits_its_turn()
    {
        var time = new ManualTime();
        using var limiter = new HostRateLimiter(Options, time);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(limiter.AcquireAsync(RequestPriority.Interactive, CancellationToken.None).IsCompleted, $"request {i} of the burst waited");
        }

        var next = limiter.AcquireAsync(RequestPriority.Interactive, CancellationToken.None);
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.True(next.IsCompleted);
    }

    [Fact]
    public void A_free_turn_is_taken_without_waiting_and_none_is_taken_past_the_budget_or_ahead_of_a_waiter()
    {
        var time = new ManualTime();
        using var limiter = new HostRateLimiter(Options, time);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(limiter.TryAcquire(), $"turn {i} of the burst was refused");
        }

        Assert.False(limiter.TryAcquire());
        var waiting = limiter.AcquireAsync(RequestPriority.Background, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.False(limiter.TryAcquire()); // half a token, and someone waits for it first
        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.True(waiting.IsCompleted);
        Assert.False(limiter.TryAcquire());
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.True(limiter.TryAcquire());
        using var off = new HostRateLimiter(new RateLimitOptions { RequestsPerSecond = 0 }, new ManualTime());
        Assert.True(Enumerable.Range(0, 1000).All(_ => off.TryAcquire()));
    }

    [Fact]
    public void Limiting_can_be_switched_off()
    {
        using var limiter = new HostRateLimiter(new RateLimitOptions { RequestsPerSecond = 0 }, new ManualTime());
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(limiter.AcquireAsync(RequestPriority.Recovery, CancellationToken.None).IsCompleted);
        }
    }

    [Fact]
    public void A_cancelled_wait_gives_up_its_place_and_the_next_caller_gets_it()
    {
        var time = new ManualTime();
        using var limiter = new HostRateLimiter(Options with { Burst = 1 }, time);
        Assert.True(limiter.AcquireAsync(RequestPriority.Interactive, CancellationToken.None).IsCompleted);
        using var cancel = new CancellationTokenSource();
        var abandoned = limiter.AcquireAsync(RequestPriority.Interactive, cancel.Token).AsTask();
        var next = limiter.AcquireAsync(RequestPriority.Interactive, CancellationToken.None);
        cancel.Cancel();
        Assert.True(abandoned.IsCanceled);
        Assert.Equal(1, limiter.Waiting(RequestPriority.Interactive));

        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.True(next.IsCompleted);
        Assert.Equal(0, limiter.Waiting(RequestPriority.Interactive));
    }

    [Fact]
    public void A_reconnect_storm_of_catch_up_reads_does_not_starve_the_sends_of_healthy_chats()
    {
        // 100 requests/s; 1,000 backfills queued at once, then a send every 50 ms for 5 s.
        var time = new ManualTime();
        using var limiter = new HostRateLimiter(Options with { Burst = 1 }, time);
        var storm = Enumerable.Range(0, 1000).Select(_ => limiter.AcquireAsync(RequestPriority.Recovery, CancellationToken.None).AsTask()).ToList();
        var sendWaits = new List<TimeSpan>();
        for (var i = 0; i < 100; i++)
        {
            var asked = time.GetTimestamp();
            var send = limiter.AcquireAsync(RequestPriority.Interactive, CancellationToken.None).AsTask();
            var waited = TimeSpan.Zero;
            while (!send.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(5));
                waited = time.GetElapsedTime(asked);
            }

            sendWaits.Add(waited);
            time.Advance(TimeSpan.FromMilliseconds(50) - waited is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        }

        // Every send got through within a few token intervals, and the storm kept most of the budget meanwhile.
        Assert.True(sendWaits.Max() <= TimeSpan.FromMilliseconds(40), $"a send waited {sendWaits.Max().TotalMilliseconds} ms behind the storm");
        var served = storm.Count(t => t.IsCompleted);
        Assert.InRange(served, 350, 460);
    }

    [Fact]
    public void Typing_waits_behind_sends_and_reads_but_is_not_starved()
    {
        var time = new ManualTime();
        using var limiter = new HostRateLimiter(Options with { Burst = 1 }, time);
        Assert.True(limiter.AcquireAsync(RequestPriority.Interactive, CancellationToken.None).IsCompleted);
        var sends = Enumerable.Range(0, 300).Select(_ => limiter.AcquireAsync(RequestPriority.Interactive, CancellationToken.None).AsTask()).ToList();
        var reads = Enumerable.Range(0, 300).Select(_ => limiter.AcquireAsync(RequestPriority.Recovery, CancellationToken.None).AsTask()).ToList();
        var typing = Enumerable.Range(0, 300).Select(_ => limiter.AcquireAsync(RequestPriority.Background, CancellationToken.None).AsTask()).ToList();

        time.Advance(TimeSpan.FromSeconds(1));

        // 100 tokens shared 6:3:1.
        Assert.InRange(sends.Count(t => t.IsCompleted), 58, 62);
        Assert.InRange(reads.Count(t => t.IsCompleted), 28, 32);
        Assert.InRange(typing.Count(t => t.IsCompleted), 8, 12);
    }

    [Fact]
    public void Random_429s_do_not_starve_the_fleet()
    {
        // A fifth of all answers are 429, whatever the rate (the chaos profile): the rate must stay where demand needs it.
        var random = new Random(20);
        var simulation = new Simulation(new RateLimitOptions { RequestsPerSecond = 1000 }, _ => random.NextDouble() < 0.2);
        simulation.Run(TimeSpan.FromSeconds(60), demandPerSecond: 400);

        var last30 = simulation.Since(TimeSpan.FromSeconds(30));
        Assert.True(simulation.Limiter.CurrentRate >= 400, $"the rate fell to {simulation.Limiter.CurrentRate:F0}/s under random 429s");
        Assert.InRange(simulation.Limiter.BackgroundThrottleShare, 0.12, 0.28);
        Assert.True(last30.DeliveredPerSecond >= 380, $"only {last30.DeliveredPerSecond:F0} requests/s got through for a demand of 400");
        Assert.True(simulation.Backlog < 100, $"{simulation.Backlog} requests still waiting");
    }

    [Fact]
    public void Random_429s_while_demand_ramps_up_from_a_trickle_never_hold_the_rate_below_demand()
    {
        // How a run starts: a few chats at first, more every second, a fifth of all answers 429.
        var random = new Random(7);
        var simulation = new Simulation(new RateLimitOptions { RequestsPerSecond = 2000 }, _ => random.NextDouble() < 0.2);
        for (var demand = 10; demand <= 400; demand += 10)
        {
            simulation.Run(TimeSpan.FromSeconds(1), demandPerSecond: demand);
        }

        simulation.Run(TimeSpan.FromSeconds(20), demandPerSecond: 400);
        var last10 = simulation.Since(TimeSpan.FromSeconds(10));
        Assert.True(last10.DeliveredPerSecond >= 380, $"only {last10.DeliveredPerSecond:F0} requests/s got through for a demand of 400");
        Assert.True(simulation.Backlog < 100, $"{simulation.Backlog} requests still waiting");
    }

    [Fact]
    public void A_real_budget_is_honoured_and_converged_on_from_just_above()
    {
        // The organization allows 100 requests/s (a token bucket with a second's burst); 300/s are wanted.
        var bucket = new TokenBucket(100);
        var simulation = new Simulation(new RateLimitOptions { RequestsPerSecond = 1000 }, bucket.Throttles);
        simulation.Run(TimeSpan.FromSeconds(120), demandPerSecond: 300);

        var settled = simulation.Since(TimeSpan.FromSeconds(60));
        Assert.True(settled.AttemptsPerSecond <= 110, $"{settled.AttemptsPerSecond:F1} attempts/s against a budget of 100/s");
        Assert.True(settled.DeliveredPerSecond >= 85, $"only {settled.DeliveredPerSecond:F1} requests/s got through a budget of 100/s");
        Assert.InRange(simulation.Limiter.CurrentRate, 80, 125);
        Assert.True(settled.ThrottledShare < 0.1, $"{settled.ThrottledShare:P0} of answers were 429");
    }

    [Fact]
    public void A_real_budget_is_found_under_random_429s_too()
    {
        var bucket = new TokenBucket(100);
        var random = new Random(10);
        var simulation = new Simulation(new RateLimitOptions { RequestsPerSecond = 1000 }, now => bucket.Throttles(now) || random.NextDouble() < 0.1);
        simulation.Run(TimeSpan.FromSeconds(120), demandPerSecond: 300);

        var settled = simulation.Since(TimeSpan.FromSeconds(60));
        Assert.True(settled.AttemptsPerSecond <= 125, $"{settled.AttemptsPerSecond:F1} attempts/s against a budget of 100/s");
        Assert.True(settled.DeliveredPerSecond >= 75, $"only {settled.DeliveredPerSecond:F1} requests/s got through");
    }

    [Fact]
    public void After_the_budget_is_lifted_the_rate_grows_back_to_what_demand_needs()
    {
        var budget = 50.0;
        var bucket = new TokenBucket(50);
        var simulation = new Simulation(new RateLimitOptions { RequestsPerSecond = 1000 }, now => budget < 1000 && bucket.Throttles(now));
        simulation.Run(TimeSpan.FromSeconds(40), demandPerSecond: 200);
        Assert.True(simulation.Limiter.CurrentRate < 70, $"rate {simulation.Limiter.CurrentRate:F0}/s under a 50/s budget");

        budget = double.PositiveInfinity;
        simulation.Run(TimeSpan.FromSeconds(60), demandPerSecond: 200);
        Assert.True(simulation.Limiter.CurrentRate >= 200, $"rate {simulation.Limiter.CurrentRate:F0}/s a minute after the budget was lifted");
        Assert.True(simulation.Since(TimeSpan.FromSeconds(20)).DeliveredPerSecond >= 190);
    }

    /// <summary>A server's budget: a token bucket with a second's worth of burst.</summary>
    private sealed class TokenBucket(double perSecond)
    {
        private double _tokens;
        private long _last = long.MinValue;

        public bool Throttles(long now)
        {
            _tokens = _last == long.MinValue ? perSecond : Math.Min(perSecond, _tokens + ((now - _last) / (double)TimeSpan.TicksPerSecond * perSecond));
            _last = now;
            if (_tokens < 1)
            {
                return true;
            }

            _tokens -= 1;
            return false;
        }
    }

    /// <summary>
    /// Callers at a steady demand through one limiter to a server that answers 429 when told; a 429'd
    /// request is tried again after its Retry-After (1 s), as the client does. Virtual time in 5 ms steps.
    /// </summary>
    private sealed class Simulation
    {
        private readonly ManualTime _time = new();
        private readonly Func<long, bool> _throttles;
        private readonly List<Task> _waiting = [];
        private readonly SortedList<long, int> _retries = [];
        private readonly List<(long At, bool Throttled)> _answers = [];
        private double _owed;

        public Simulation(RateLimitOptions options, Func<long, bool> throttles)
        {
            Limiter = new HostRateLimiter(options, _time);
            _throttles = throttles;
        }

        public HostRateLimiter Limiter { get; }

        /// <summary>Requests waiting for the limiter (not those waiting out a Retry-After).</summary>
        public int Backlog => _waiting.Count;

        public void Run(TimeSpan duration, double demandPerSecond)
        {
            var step = TimeSpan.FromMilliseconds(5);
            var end = _time.GetTimestamp() + duration.Ticks;
            while (_time.GetTimestamp() < end)
            {
                var now = _time.GetTimestamp();
                _owed += demandPerSecond * step.TotalSeconds;
                var fresh = (int)_owed;
                _owed -= fresh;
                while (_retries.Count > 0 && _retries.Keys[0] <= now)
                {
                    fresh += _retries.Values[0];
                    _retries.RemoveAt(0);
                }

                for (var i = 0; i < fresh; i++)
                {
                    _waiting.Add(Limiter.AcquireAsync(RequestPriority.Interactive, CancellationToken.None).AsTask());
                }

                _time.Advance(step);
                Answer();
            }
        }

        public Window Since(TimeSpan ago)
        {
            var from = _time.GetTimestamp() - ago.Ticks;
            var answers = _answers.Where(a => a.At >= from).ToList();
            var seconds = ago.TotalSeconds;
            return new Window(answers.Count / seconds, answers.Count(a => !a.Throttled) / seconds, answers.Count == 0 ? 0 : answers.Count(a => a.Throttled) / (double)answers.Count);
        }

        private void Answer()
        {
            var now = _time.GetTimestamp();
            var throttled = 0;
            for (var i = _waiting.Count - 1; i >= 0; i--)
            {
                if (!_waiting[i].IsCompleted)
                {
                    continue;
                }

                _waiting.RemoveAt(i);
                var was429 = _throttles(now);
                _answers.Add((now, was429));
                Limiter.OnAnswered(was429);
                if (was429)
                {
                    throttled++;
                }
            }

            if (throttled > 0)
            {
                var at = now + TimeSpan.TicksPerSecond;
                _retries[at] = _retries.GetValueOrDefault(at) + throttled;
            }
        }

        public sealed record Window(double AttemptsPerSecond, double DeliveredPerSecond, double ThrottledShare);
    }
}
