namespace GuestChat.Client.Http;

/// <summary>
/// One request budget for one API host, shared by every conversation that uses the client.
/// <para>
/// <b>Admission</b>: a token bucket at <see cref="CurrentRate"/>. Calls that find it empty wait in one of
/// three lanes (<see cref="RequestPriority"/>) and are let through by weight (stride scheduling), so
/// under pressure interactive calls get most of the budget without starving catch-up reads or typing.
/// </para>
/// <para>
/// <b>Rate</b>: answers are judged per window. A window whose share of 429s is above the
/// <i>background share</i> (429s our own rate does not cause, as a noisy platform or a fault injector
/// gives) by more than the tolerance is a sign of a budget: the rate is cut toward what got through,
/// and the cut is tested. If the next window, with the cut in force, shows the same share, the 429s
/// were not ours to prevent: the cut is undone and that share becomes the background. If the share
/// fell, the budget was real and the cut stays. A quiet window in which the budget was nearly used
/// grows the rate by <see cref="RateLimitOptions.RecoveryShare"/>. So random 429s cost one tested
/// window, and a real budget is tracked from just above it.
/// </para>
/// </summary>
public sealed class HostRateLimiter : IDisposable
{
    /// <summary>No platform throttles more than half of all calls at random; a share above that is a budget.</summary>
    private const double MaxBackgroundShare = 0.5;

    /// <summary>How many windows a learned background share is trusted before it is tested again.</summary>
    private const int RetestEvery = 10;

    /// <summary>Growth per quiet window away from any budget found.</summary>
    private const double FastRecoveryShare = 0.25;

    private readonly RateLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Lane[] _lanes;
    private readonly ITimer? _timer;
    private double _rate;
    private double _tokens;
    private long _lastRefill;
    private double _virtualTime;
    private bool _timerArmed;
    private int _waiting;

    private long _windowStart;
    private int _windowAnswered;
    private int _windowThrottled;
    private int _windowAdmitted;
    private double _backgroundShare;
    private Cut? _cutUnderTest;
    private int _windowsSinceTest;
    private double _budgetRate;

    /// <summary>A limiter with a full bucket.</summary>
    public HostRateLimiter(RateLimitOptions options, TimeProvider time)
    {
        if (options.LaneWeights.Count != 3 || options.LaneWeights.Any(w => w < 1))
        {
            throw new ArgumentException("RateLimitOptions.LaneWeights needs three weights of at least 1 (Interactive, Recovery, Background).", nameof(options));
        }

        _options = options;
        _time = time;
        _rate = options.RequestsPerSecond;
        _tokens = Math.Max(1, options.Burst);
        _lastRefill = _windowStart = time.GetTimestamp();
        _lanes = [.. options.LaneWeights.Select(w => new Lane(w))];
        if (options.RequestsPerSecond > 0)
        {
            _timer = time.CreateTimer(_ => Release(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The rate in force, in requests per second.</summary>
    public double CurrentRate
    {
        get
        {
            lock (_gate)
            {
                return _rate;
            }
        }
    }

    /// <summary>The share of 429s taken as background (not caused by this client's rate), 0..1.</summary>
    public double BackgroundThrottleShare
    {
        get
        {
            lock (_gate)
            {
                return _backgroundShare;
            }
        }
    }

    /// <summary>Calls waiting for their turn in one lane.</summary>
    public int Waiting(RequestPriority priority)
    {
        lock (_gate)
        {
            return _lanes[(int)priority].Waiters.Count;
        }
    }

    /// <summary>Takes the next request's turn when it is free now (nobody waits and the budget has room); false when the call would have to wait.</summary>
    public bool TryAcquire()
    {
        if (_timer is null)
        {
            return true;
        }

        lock (_gate)
        {
            return TakeFreeTurn();
        }
    }

    /// <summary>Waits for the next request's turn in the lane of <paramref name="priority"/>.</summary>
    public ValueTask AcquireAsync(RequestPriority priority, CancellationToken cancellationToken)
    {
        if (_timer is null)
        {
            return ValueTask.CompletedTask;
        }

        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_gate)
        {
            if (TakeFreeTurn())
            {
                return ValueTask.CompletedTask;
            }

            var lane = _lanes[(int)priority];
            if (lane.Waiters.Count == 0)
            {
                // A lane that was idle joins at the current virtual time: it banks no credit for its idleness.
                lane.Pass = Math.Max(lane.Pass, _virtualTime);
            }

            waiter = new Waiter(this, lane);
            waiter.Node = lane.Waiters.AddLast(waiter);
            _waiting++;
            ArmTimer();
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).Abandon(token), waiter);
        }

        return new ValueTask(waiter.Task);
    }

    /// <summary>Under the gate: takes a token when nobody waits and one is there.</summary>
    private bool TakeFreeTurn()
    {
        Refill();
        if (_waiting == 0 && _tokens >= 1)
        {
            _tokens -= 1;
            _windowAdmitted++;
            return true;
        }

        return false;
    }

    /// <summary>An answer came back (any status); <paramref name="throttled"/> when it was a 429.</summary>
    public void OnAnswered(bool throttled)
    {
        if (_timer is null)
        {
            return;
        }

        lock (_gate)
        {
            _windowAnswered++;
            if (throttled)
            {
                _windowThrottled++;
            }

            JudgeWindow();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer?.Dispose();

    private void JudgeWindow()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_windowStart, now);
        if (elapsed < _options.DecreaseInterval || (_windowAnswered < _options.MinimumSamples && elapsed < _options.DecreaseInterval * 5))
        {
            return;
        }

        Refill();
        var share = (double)_windowThrottled / _windowAnswered;
        var admittedRate = _windowAdmitted / elapsed.TotalSeconds;
        var spread = Math.Max(_backgroundShare, 0.02);
        var tolerance = Math.Max(_options.ThrottleTolerance, 2 * Math.Sqrt(spread * (1 - spread) / _windowAnswered));
        var excess = share - _backgroundShare;

        var deliveredRate = (_windowAnswered - _windowThrottled) / elapsed.TotalSeconds;
        _windowsSinceTest++;
        if (_cutUnderTest is { } cut)
        {
            _cutUnderTest = null;
            _windowsSinceTest = 0;
            var admittedRatio = admittedRate / Math.Max(cut.AdmittedBefore, 1e-9);
            var deliveredRatio = deliveredRate / Math.Max(cut.DeliveredBefore, 1e-9);

            // Random 429s take the same share at any rate, so delivered falls with admitted; a budget lets
            // as much through after the cut as before. How far apart the two may be by chance alone:
            // (random shares above MaxBackgroundShare are not believed: more than that is a budget).
            var p = Math.Clamp(Math.Max(share, cut.ShareBefore), 0.05, MaxBackgroundShare);
            var chance = 2 * Math.Sqrt(p / (1 - p) * ((1.0 / cut.AnsweredBefore) + (1.0 / _windowAnswered)));
            if (cut.ShareBefore > MaxBackgroundShare
                || (admittedRatio <= 0.95 && deliveredRatio >= (1 + admittedRatio) / 2 && deliveredRatio - admittedRatio >= chance))
            {
                // As much got through with less sent: a real budget. The cut stays; growth is careful near it,
                // and no 429 is taken as background until a later test shows some are.
                _budgetRate = _rate;
                _backgroundShare = 0;
            }
            else
            {
                // Sending less got proportionally less through (or the test could not tell): the 429s are not
                // ours to prevent. Undo the cut; if the share held, it is the background.
                if (Math.Abs(share - cut.ShareBefore) <= tolerance)
                {
                    _backgroundShare = Math.Min(share, MaxBackgroundShare);
                }

                // Back to what was flowing before the cut (not to a ceiling that was never used): growth
                // takes it further if demand needs it, without a jump past a budget the test missed.
                _rate = Math.Min(cut.RateBefore, Math.Max(_rate, cut.AdmittedBefore));
            }
        }
        else if (excess > tolerance || (_backgroundShare > 0 && _windowsSinceTest >= RetestEvery && admittedRate >= 0.8 * _rate))
        {
            // Over a budget, or time to check that the background share is still only background.
            var before = _rate;
            _rate = Math.Max(_options.MinimumRequestsPerSecond, Math.Min(_rate, admittedRate) * Math.Min(0.8, Math.Max(_options.DecreaseFactor, 1 - excess)));
            _tokens = Math.Min(_tokens, 0);
            _cutUnderTest = new Cut(before, admittedRate, deliveredRate, share, _windowAnswered);
        }
        else
        {
            if (share < _backgroundShare)
            {
                _backgroundShare += 0.3 * (share - _backgroundShare);
            }

            if (admittedRate >= 0.8 * _rate && _rate < _options.RequestsPerSecond)
            {
                // Careful just above a budget found before; quick anywhere else.
                var growth = _rate < _budgetRate * 1.2 ? _options.RecoveryShare : FastRecoveryShare;
                _rate = Math.Min(_options.RequestsPerSecond, (_rate * (1 + growth)) + 1);
            }
        }

        _windowStart = now;
        _windowAnswered = _windowThrottled = _windowAdmitted = 0;
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(Math.Max(1, _options.Burst), _tokens + (_time.GetElapsedTime(_lastRefill, now).TotalSeconds * _rate));
        _lastRefill = now;
    }

    private void ArmTimer()
    {
        if (_timerArmed || _waiting == 0)
        {
            return;
        }

        _timerArmed = true;
        var wait = TimeSpan.FromSeconds(Math.Max(0, 1 - _tokens) / _rate);
        _timer!.Change(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, Timeout.InfiniteTimeSpan);
    }

    private void Release()
    {
        List<Waiter>? ready = null;
        lock (_gate)
        {
            _timerArmed = false;
            Refill();
            while (_tokens >= 1 && NextLane() is { } lane)
            {
                var waiter = lane.Waiters.First!.Value;
                lane.Waiters.RemoveFirst();
                waiter.Node = null;
                _waiting--;
                _virtualTime = lane.Pass;
                lane.Pass += 1.0 / lane.Weight;
                _tokens -= 1;
                _windowAdmitted++;
                (ready ??= []).Add(waiter);
            }

            ArmTimer();
        }

        foreach (var waiter in ready ?? [])
        {
            waiter.Registration.Dispose();
            waiter.TrySetResult();
        }
    }

    private Lane? NextLane()
    {
        Lane? next = null;
        foreach (var lane in _lanes)
        {
            if (lane.Waiters.Count > 0 && (next is null || lane.Pass < next.Pass))
            {
                next = lane;
            }
        }

        return next;
    }

    private void Abandon(Waiter waiter, CancellationToken token)
    {
        lock (_gate)
        {
            if (waiter.Node is null)
            {
                return;
            }

            waiter.Lane.Waiters.Remove(waiter.Node);
            waiter.Node = null;
            _waiting--;
        }

        waiter.TrySetCanceled(token);
    }

    private sealed class Lane(int weight)
    {
        public int Weight { get; } = weight;

        public double Pass { get; set; }

        public LinkedList<Waiter> Waiters { get; } = new();
    }

    private sealed class Waiter(HostRateLimiter limiter, Lane lane) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public Lane Lane { get; } = lane;

        public void Abandon(CancellationToken token) => limiter.Abandon(this, token);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }

    /// <summary>A cut whose effect the next window judges.</summary>
    private sealed record Cut(double RateBefore, double AdmittedBefore, double DeliveredBefore, double ShareBefore, int AnsweredBefore);
}
