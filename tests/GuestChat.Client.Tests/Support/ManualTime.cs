namespace GuestChat.Client.Tests.Support;

/// <summary>
/// A clock that moves only when told, for specs of time-driven logic. Its timers fire inside
/// <see cref="Advance"/>, on the caller's thread, in the order they fall due.
/// </summary>
internal sealed class ManualTime : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        var target = Interlocked.Read(ref _ticks) + by.Ticks;
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due <= target).MinBy(t => t.Due);
                if (next is null)
                {
                    break;
                }

                Interlocked.Exchange(ref _ticks, Math.Max(Interlocked.Read(ref _ticks), next.Due));
                next.Fired();
            }

            next.Callback(next.State);
        }

        Interlocked.Exchange(ref _ticks, target);
    }

    private void Schedule(ManualTimer timer, bool on)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
            if (on)
            {
                _timers.Add(timer);
            }
        }
    }

    private sealed class ManualTimer(ManualTime time, TimerCallback callback, object? state) : ITimer
    {
        private long _period;

        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        public long Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                time.Schedule(this, on: false);
                return true;
            }

            Due = time.GetTimestamp() + dueTime.Ticks;
            time.Schedule(this, on: true);
            return true;
        }

        /// <summary>Called under the clock's lock as the timer fires.</summary>
        public void Fired()
        {
            if (_period > 0)
            {
                Due += _period;
            }
            else
            {
                time._timers.Remove(this);
            }
        }

        public void Dispose() => time.Schedule(this, on: false);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
