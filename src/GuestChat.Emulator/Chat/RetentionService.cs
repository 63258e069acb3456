namespace GuestChat.Emulator.Chat;

/// <summary>Forgets ended chats once their retention has passed, so a long run does not grow without end.</summary>
internal sealed class RetentionService(ChatPlatform platform) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = platform.Options.Timing.EndedChatRetention;
        var period = TimeSpan.FromTicks(Math.Clamp(retention.Ticks / 2, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        using var timer = new PeriodicTimer(period, platform.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                platform.ForgetEndedBefore(platform.Time.GetUtcNow() - retention);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
