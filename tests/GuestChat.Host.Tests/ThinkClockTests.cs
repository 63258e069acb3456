using System.Diagnostics;
using GuestChat.Host.Run;

namespace GuestChat.Host.Tests;

/// <summary>The guests' think time in <c>run</c>: one shared tick, never early, cancelled with the run.</summary>
public sealed class ThinkClockTests
{
    [Fact]
    public async Task A_wait_ends_once_its_time_has_passed_and_never_before()
    {
        using var clock = new ThinkClock(CancellationToken.None);
        var started = Stopwatch.StartNew();

        var ended = new System.Collections.Concurrent.ConcurrentQueue<(int Ms, long At)>();
        var waits = new[] { 300, 100, 200 }.Select(ms => clock.Delay(ms).ContinueWith(_ => ended.Enqueue((ms, started.ElapsedMilliseconds)), TaskContinuationOptions.ExecuteSynchronously)).ToArray();

        await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([100, 200, 300], ended.Select(e => e.Ms));
        Assert.All(ended, e => Assert.True(e.At >= e.Ms, $"a {e.Ms} ms wait ended after {e.At} ms"));
        Assert.True(clock.Delay(0).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Thousands_of_chats_waiting_at_once_all_go_on()
    {
        using var clock = new ThinkClock(CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 5_000).Select(i => clock.Delay(50 + (i % 100)))).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Stopping_the_run_cancels_the_waits_still_running_and_any_after()
    {
        using var stopping = new CancellationTokenSource();
        using var clock = new ThinkClock(stopping.Token);
        var waiting = clock.Delay(60_000);

        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => clock.Delay(10));
    }

    [Fact]
    public async Task A_clock_disposed_ends_its_waits_cancelled()
    {
        Task waiting;
        using (var clock = new ThinkClock(CancellationToken.None))
        {
            waiting = clock.Delay(60_000);
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
