namespace GuestChat.Client.Http;

/// <summary>
/// One request budget for one API host, shared by every conversation that uses the client: a token
/// bucket whose rate halves-ish on 429s (multiplicative decrease, at most once a second) and grows
/// back slowly while none arrive (additive increase), so a thousand chats neither stampede the API
/// nor stay slow after it recovers. Callers wait their turn in order of arrival.
/// </summary>
public sealed class HostRateLimiter
{
    private readonly RateLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private double _rate;
    private double _tokens;
    private long _lastRefill;
    private long _lastDecrease;
    private long _lastRecovery;

    /// <summary>A limiter with a full bucket.</summary>
    public HostRateLimiter(RateLimitOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _rate = options.RequestsPerSecond;
        _tokens = Math.Max(1, options.Burst);
        _lastRefill = _lastRecovery = time.GetTimestamp();
        _lastDecrease = long.MinValue;
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

    /// <summary>Waits for the next request's turn.</summary>
    public Task AcquireAsync(CancellationToken cancellationToken)
    {
        if (_options.RequestsPerSecond <= 0)
        {
            return Task.CompletedTask;
        }

        TimeSpan wait;
        lock (_gate)
        {
            Refill();
            _tokens -= 1;
            wait = _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _rate);
        }

        return wait == TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, _time, cancellationToken);
    }

    /// <summary>A 429 arrived: slow down.</summary>
    public void OnThrottled()
    {
        lock (_gate)
        {
            Refill();
            var now = _time.GetTimestamp();
            if (_lastDecrease != long.MinValue && _time.GetElapsedTime(_lastDecrease, now) < _options.DecreaseInterval)
            {
                return;
            }

            _lastDecrease = now;
            _lastRecovery = now;
            _rate = Math.Max(_options.MinimumRequestsPerSecond, _rate * _options.DecreaseFactor);
            _tokens = Math.Min(_tokens, 0);
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var recoveredSeconds = _time.GetElapsedTime(_lastRecovery, now).TotalSeconds;
        if (recoveredSeconds >= 1 && _rate < _options.RequestsPerSecond)
        {
            _rate = Math.Min(_options.RequestsPerSecond, _rate + (Math.Floor(recoveredSeconds) * _options.RecoveryShare * _options.RequestsPerSecond));
            _lastRecovery = now;
        }
        else if (_rate >= _options.RequestsPerSecond)
        {
            _lastRecovery = now;
        }

        _tokens = Math.Min(Math.Max(1, _options.Burst), _tokens + (_time.GetElapsedTime(_lastRefill, now).TotalSeconds * _rate));
        _lastRefill = now;
    }
}
