using System.Collections.Concurrent;

namespace GuestChat.Host.Amqp;

/// <summary>
/// Where the two paths of the event publisher meet: the live path marks each told fact (a message, a
/// start, an end) once the broker confirmed it, and the outbox, which follows the same facts in the
/// journal, waits a little for that mark before it publishes a fact itself. Marks the outbox never asks
/// about are forgotten after a minute.
/// </summary>
internal sealed class PublishedFacts
{
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (TaskCompletionSource Done, long At)> _facts = new(StringComparer.Ordinal);
    private int _marks;

    /// <summary>The live path published the fact with this id (<c>key/sequence</c>, <c>key/started</c>, <c>key/ended</c>).</summary>
    public void Mark(string id)
    {
        Entry(id).Done.TrySetResult();
        if (Interlocked.Increment(ref _marks) % 1000 == 0)
        {
            var old = Environment.TickCount64 - (long)Forget.TotalMilliseconds;
            foreach (var (key, entry) in _facts)
            {
                if (entry.Done.Task.IsCompleted && entry.At < old)
                {
                    _facts.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>Waits until the fact with this id is published, or <paramref name="patience"/> is over (false then: it is the outbox's to publish).</summary>
    public async Task<bool> WaitAsync(string id, TimeSpan patience, CancellationToken cancellationToken)
    {
        var entry = Entry(id);
        try
        {
            await entry.Done.Task.WaitAsync(patience, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            if (entry.Done.Task.IsCompleted)
            {
                _facts.TryRemove(id, out _);
            }
        }
    }

    private (TaskCompletionSource Done, long At) Entry(string id) =>
        _facts.GetOrAdd(id, _ => (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), Environment.TickCount64));
}
