using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Control;

namespace GuestChat.Emulator.Faults;

/// <summary>
/// Drops sockets when the faults in force say so: each socket gets a random life between
/// SocketDropMin and SocketDropMax, counted from when drops were first in force for it (so switching
/// drops on at run time does not cut every old socket at once), and is then cut without a close.
/// </summary>
internal sealed class SocketDropService(ChatPlatform platform) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, platform.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                DropDueSockets();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void DropDueSockets()
    {
        var faults = platform.Faults;
        var now = platform.Time.GetUtcNow();
        foreach (var socket in platform.Sockets.All)
        {
            if (!faults.DropsSockets)
            {
                socket.DropAt = null;
                continue;
            }

            socket.DropAt ??= now + faults.SocketDropMin + ((faults.SocketDropMax - faults.SocketDropMin) * Random.Shared.NextDouble());
            if (now >= socket.DropAt)
            {
                socket.DropAt = DateTimeOffset.MaxValue;
                platform.Counters.Increment(EmulatorCounter.FaultSocketsDropped);
                socket.Drop();
            }
        }
    }
}
