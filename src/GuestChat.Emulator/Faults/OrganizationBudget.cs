namespace GuestChat.Emulator.Faults;

/// <summary>
/// The organization's guest API budget when <c>Faults:OrganizationRequestsPerSecond</c> is set: a token
/// bucket holding a second's worth of requests, refilled continuously. Unlike the random 429s of a
/// fault profile, this one answers to the caller's rate: send less and fewer requests are refused.
/// </summary>
internal sealed class OrganizationBudget(TimeProvider time)
{
    private readonly Lock _gate = new();
    private double _tokens = double.NaN;
    private long _last;

    /// <summary>Takes one request's token at <paramref name="perSecond"/>; when none is left, how long until one is.</summary>
    public bool TryTake(double perSecond, out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = double.IsNaN(_tokens) ? perSecond : Math.Min(perSecond, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * perSecond));
            _last = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - _tokens) / perSecond);
            return false;
        }
    }
}
