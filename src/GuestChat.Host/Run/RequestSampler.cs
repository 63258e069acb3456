using GuestChat.Client.Http;

namespace GuestChat.Host.Run;

/// <summary>The client's requests and 429s, sampled once a second: how hard the run pressed on the API.</summary>
internal sealed class RequestSampler
{
    private const int Window = 10;
    private readonly ClientCounters _counters;
    private readonly Queue<long> _lastAttempts = new();

    public RequestSampler(ClientCounters counters)
    {
        _counters = counters;
        _lastAttempts.Enqueue(counters.Attempts);
    }

    /// <summary>The highest average of requests per second over <see cref="BusiestWindow"/> consecutive seconds.</summary>
    public double BusiestRate { get; private set; }

    /// <summary>The seconds that average is over: 10, or the whole run when it was shorter.</summary>
    public int BusiestWindow { get; private set; }

    public long Requests => _counters.Attempts;

    public long Throttled => _counters.Throttled;

    public void Sample()
    {
        _lastAttempts.Enqueue(_counters.Attempts);
        if (_lastAttempts.Count > Window + 1)
        {
            _lastAttempts.Dequeue();
        }

        var span = _lastAttempts.Count - 1;
        var rate = (_lastAttempts.Last() - _lastAttempts.Peek()) / (double)span;
        if (span > BusiestWindow)
        {
            // The window is still growing: the whole run so far.
            (BusiestWindow, BusiestRate) = (span, rate);
        }
        else
        {
            BusiestRate = Math.Max(BusiestRate, rate);
        }
    }
}
