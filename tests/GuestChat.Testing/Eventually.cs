namespace GuestChat.Testing;

/// <summary>Waits for an outcome that nothing announces, polling until a deadline; the timeout names what was awaited.</summary>
public static class Eventually
{
    /// <summary>How long a test waits for an outcome unless told otherwise.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(20);

    /// <summary>Polls <paramref name="condition"/> every 10 ms until it holds; throws <see cref="TimeoutException"/> after <paramref name="patience"/>.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? patience = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, patience);

    /// <summary>Polls an asynchronous condition every 10 ms (after each answer) until it holds.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null)
    {
        var wait = patience ?? Patience;
        var deadline = DateTime.UtcNow + wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not {what} within {wait}.");
            }

            await Task.Delay(10);
        }
    }
}
