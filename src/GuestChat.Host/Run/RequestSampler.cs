using GuestChat.Client.Http;

namespace GuestChat.Host.Run;

/// <summary>The client's requests and 429s, sampled once a second: how hard the run pressed on the API.</summary>
internal sealed class RequestSampler(ClientCounters counters)
{
    private const int Window = 10;
    private readonly Queue<long> _lastAttempts = new();

    /// <summary>The highest average of requests per second over 10 consecutive seconds.</summary>
    public double BusiestRate { get; private set; }

    public long Requests => counters.Attempts;

    public long Throttled => counters.Throttled;

    public void Sample()
    {
        _lastAttempts.Enqueue(counters.Attempts);
        if (_lastAttempts.Count > Window + 1)
        {
            _lastAttempts.Dequeue();
        }

        if (_lastAttempts.Count == Window + 1)
        {
            BusiestRate = Math.Max(BusiestRate, (_lastAttempts.Last() - _lastAttempts.Peek()) / (double)Window);
        }
    }
}
