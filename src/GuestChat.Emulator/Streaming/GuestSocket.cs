using System.Net.WebSockets;
using System.Threading.Channels;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Control;

namespace GuestChat.Emulator.Streaming;

/// <summary>
/// One attached event-stream socket. Frames are queued without blocking (a conversation enqueues
/// under its lock) and written by a single send loop, since a WebSocket allows one send at a time.
/// A reader that falls too far behind is dropped rather than allowed to grow memory.
/// </summary>
internal sealed class GuestSocket
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);
    private static long _lastId;
    private readonly WebSocket _socket;
    private readonly Action _abort;
    private readonly EmulatorCounters _counters;
    private readonly Channel<byte[]> _outbox;

    public GuestSocket(Conversation conversation, WebSocket socket, Action abort, EmulatorCounters counters, int outboxLimit, DateTimeOffset openedAt)
    {
        Id = Interlocked.Increment(ref _lastId);
        Conversation = conversation;
        _socket = socket;
        _abort = abort;
        _counters = counters;
        OpenedAt = openedAt;
        _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(outboxLimit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public long Id { get; }

    public Conversation Conversation { get; }

    public DateTimeOffset OpenedAt { get; }

    /// <summary>When the fault injector will drop this socket; set and read only by the drop loop.</summary>
    public DateTimeOffset? DropAt { get; set; }

    /// <summary>Heartbeats still to withhold; set and read only by the heartbeat loop.</summary>
    public int HeartbeatsToWithhold { get; set; }

    /// <summary>Queues a frame; a socket whose outbox is full is dropped as a slow consumer.</summary>
    public void Send(byte[] frame)
    {
        if (_outbox.Writer.TryWrite(frame))
        {
            _counters.Increment(EmulatorCounter.FramesSent);
            return;
        }

        if (_outbox.Writer.TryComplete())
        {
            _counters.Increment(EmulatorCounter.SocketsSlowConsumer);
            _abort();
        }
    }

    /// <summary>Sends what is queued, then closes with 1000.</summary>
    public void CloseNormally() => _outbox.Writer.TryComplete();

    /// <summary>Drops the connection without a close handshake, as a network failure would.</summary>
    public void Drop()
    {
        _outbox.Writer.TryComplete();
        _abort();
    }

    /// <summary>Runs until the socket is closed by either side or dropped.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var receiving = ReceiveUntilClosedAsync(cancellationToken);
        var sending = SendUntilCompletedAsync(cancellationToken);
        if (await Task.WhenAny(receiving, sending).ConfigureAwait(false) == receiving)
        {
            _outbox.Writer.TryComplete();
            await sending.ConfigureAwait(false);
            return;
        }

        // We closed: give the guest a moment to answer the close, then let the connection go.
        if (await Task.WhenAny(receiving, Task.Delay(CloseHandshakeTimeout, cancellationToken)).ConfigureAwait(false) != receiving)
        {
            _abort();
        }

        await receiving.ConfigureAwait(false);
    }

    private async Task ReceiveUntilClosedAsync(CancellationToken cancellationToken)
    {
        // The guest sends nothing on the stream; reading only notices the close or the drop.
        var buffer = new byte[256];
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Dropped: nothing to do but stop.
        }
    }

    private async Task SendUntilCompletedAsync(CancellationToken cancellationToken)
    {
        var reader = _outbox.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var frame))
                {
                    await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                }
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "conversation ended", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Dropped while sending: the receive loop sees it too.
        }
    }
}
