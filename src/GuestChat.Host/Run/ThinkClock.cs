using System.Diagnostics;

namespace GuestChat.Host.Run;

/// <summary>
/// The guests' think time, kept on one shared tick instead of a timer per wait. With a <c>Task.Delay</c> each,
/// thousands of chats thinking make the runtime's timer thread wake for almost every one of them, and each
/// wake hands the waiting chat to a pool thread of its own; on the tick, the chats whose time has come go on
/// together, one after the other, on one thread (each only until its next await). A wait ends on the first
/// tick at or after its time: up to one <see cref="Tick"/> late, never early. <c>run</c>'s ramp waits on it
/// too, so the chats whose start has come start together on a tick.
/// </summary>
internal sealed class ThinkClock : IDisposable
{
    /// <summary>
    /// How often the clock looks for waits that are over: the same as Akka's scheduler tick, a hundredth of
    /// a scripted think time of 5 s. Each tick wakes the runtime's timer thread and a pool thread.
    /// </summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly Lock _gate = new();
    private readonly PriorityQueue<TaskCompletionSource, long> _waits = new();
    private readonly PeriodicTimer _timer = new(Tick);
    private readonly CancellationToken _stopping;
    private bool _stopped;

    /// <summary>Starts the clock; when <paramref name="stopping"/> is cancelled, every wait still running ends cancelled.</summary>
    public ThinkClock(CancellationToken stopping)
    {
        _stopping = stopping;
        _ = Task.Run(RunAsync, CancellationToken.None);
    }

    /// <summary>Completes once <paramref name="milliseconds"/> have passed (at once for none); cancelled when the clock stops.</summary>
    public Task Delay(int milliseconds)
    {
        if (milliseconds <= 0)
        {
            return Task.CompletedTask;
        }

        // Continuations run on the tick's thread, in turn: a chat's step after thinking only starts its next call.
        var wait = new TaskCompletionSource();
        lock (_gate)
        {
            if (_stopped || _stopping.IsCancellationRequested)
            {
                wait.SetCanceled(StopToken);
                return wait.Task;
            }

            _waits.Enqueue(wait, Stopwatch.GetTimestamp() + (milliseconds * Stopwatch.Frequency / 1000));
        }

        return wait.Task;
    }

    /// <summary>The token a wait ends cancelled with: the run's, or one of its own when the clock was disposed.</summary>
    private CancellationToken StopToken => _stopping.IsCancellationRequested ? _stopping : new CancellationToken(canceled: true);

    /// <summary>Stops the clock; the waits still running end cancelled. Never blocks: it may be called from a continuation on the tick's own thread.</summary>
    public void Dispose() => _timer.Dispose();

    private async Task RunAsync()
    {
        var due = new List<TaskCompletionSource>();
        try
        {
            while (await _timer.WaitForNextTickAsync(_stopping).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                lock (_gate)
                {
                    while (_waits.TryPeek(out var wait, out var at) && at <= now)
                    {
                        due.Add(_waits.Dequeue());
                    }
                }

                foreach (var wait in due)
                {
                    wait.TrySetResult();
                }

                due.Clear();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the waits left are cancelled below.
        }

        lock (_gate)
        {
            _stopped = true;
            while (_waits.TryDequeue(out var wait, out _))
            {
                due.Add(wait);
            }
        }

        foreach (var wait in due)
        {
            wait.TrySetCanceled(StopToken);
        }
    }
}
