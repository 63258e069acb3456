namespace GuestChat.Emulator.Tests.Support;

/// <summary>Waits for a condition that no frame announces (a chat abandoned with no socket left), with a deadline.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TestGuest.Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not {what} within {TestGuest.Patience}.");
            }

            await Task.Delay(10);
        }
    }
}
