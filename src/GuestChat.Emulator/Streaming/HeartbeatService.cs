using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Control;

namespace GuestChat.Emulator.Streaming;

/// <summary>
/// Sends a heartbeat on every socket each interval, one pass over all sockets rather than a timer
/// per socket. A socket may go quiet for a few heartbeats when the faults in force say so.
/// </summary>
internal sealed class HeartbeatService(ChatPlatform platform) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(platform.Options.Timing.HeartbeatInterval, platform.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Beat();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void Beat()
    {
        var faults = platform.Faults;
        foreach (var socket in platform.Sockets.All)
        {
            if (socket.Frames.Heartbeat is not { } heartbeat)
            {
                continue; // an API with no heartbeat frame of its own
            }

            if (socket.HeartbeatsToWithhold > 0)
            {
                socket.HeartbeatsToWithhold--;
                platform.Counters.Increment(EmulatorCounter.FaultHeartbeatsWithheld);
                continue;
            }

            if (faults.HeartbeatWithholdShare > 0 && Random.Shared.NextDouble() < faults.HeartbeatWithholdShare)
            {
                socket.HeartbeatsToWithhold = faults.HeartbeatWithholdCount - 1;
                platform.Counters.Increment(EmulatorCounter.FaultHeartbeatsWithheld);
                continue;
            }

            socket.Send(heartbeat);
            platform.Counters.Increment(EmulatorCounter.HeartbeatsSent);
        }
    }
}
