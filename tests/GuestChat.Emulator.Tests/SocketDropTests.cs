using System.Net.WebSockets;
using GuestChat.Emulator.Control;
using GuestChat.Emulator.Streaming;

namespace GuestChat.Emulator.Tests;

/// <summary>
/// Dropping a socket can race with its request ending (the fault loop takes the socket from the registry,
/// the guest's connection closes, then the drop comes): the drop must do nothing then, not throw, or the
/// fault loop dies and the rest of a chaos run goes on with no socket drops (which made runs under
/// <c>--faults chaos</c> vary between 60 and 2,600 reconnects before).
/// </summary>
public sealed class SocketDropTests
{
    [Fact]
    public void Dropping_a_socket_whose_request_has_ended_does_nothing()
    {
        var aborts = 0;
        var socket = new ProbeSocket(() =>
        {
            aborts++;
            throw new ObjectDisposedException("Collection", "IFeatureCollection has been disposed.");
        });

        socket.Drop(); // the request ended between the look-up and the abort
        socket.Ended();
        socket.Drop(); // and after its endpoint said so

        Assert.Equal(1, aborts);
    }

    private sealed class ProbeSocket(Action abort)
        : ChatSocket(WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true }), abort, new EmulatorCounters(), 16, DateTimeOffset.UtcNow)
    {
        public override IFrameRenderer Frames => GuestChatFrames.Instance;

        protected override Task ReceiveUntilClosedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
