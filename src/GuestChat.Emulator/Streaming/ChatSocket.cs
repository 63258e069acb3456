using System.Net.WebSockets;
using System.Threading.Channels;
using GuestChat.Emulator.Control;

namespace GuestChat.Emulator.Streaming;

/// <summary>
/// One open guest socket, of either API (the guest chat event stream, <see cref="GuestSocket"/>, or a Web
/// Messaging session socket). Frames are queued without blocking (a conversation enqueues under its lock)
/// and written by a single send loop, since a WebSocket allows one send at a time. A reader that falls too
/// far behind is dropped rather than allowed to grow memory. What the guest sends is the subclass's.
/// </summary>
internal abstract class ChatSocket
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);
    private const int Open = 0, Closing = 1, Dropped = 2;
    private static long _lastId;
    private readonly Action _abort;
    private readonly EmulatorCounters _counters;
    private readonly SendLog? _sent;
    private readonly Channel<Outgoing> _outbox;
    private bool _ended;
    private int _state; // Open, Closing or Dropped

    protected ChatSocket(WebSocket socket, Action abort, EmulatorCounters counters, int outboxLimit, DateTimeOffset openedAt, SendLog? sent = null)
    {
        _sent = sent;
        Id = Interlocked.Increment(ref _lastId);
        Socket = socket;
        _abort = abort;
        _counters = counters;
        OpenedAt = openedAt;
        _outbox = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(outboxLimit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public long Id { get; }

    public DateTimeOffset OpenedAt { get; }

    /// <summary>How this socket's API writes a conversation's events.</summary>
    public abstract IFrameRenderer Frames { get; }

    /// <summary>When the fault injector will drop this socket; set and read only by the drop loop.</summary>
    public DateTimeOffset? DropAt { get; set; }

    /// <summary>Heartbeats still to withhold; set and read only by the heartbeat loop.</summary>
    public int HeartbeatsToWithhold { get; set; }

    protected WebSocket Socket { get; }

    /// <summary>Queues a frame (a message's carries its id, for the <see cref="SendLog"/>); a socket whose outbox is full is dropped as a slow consumer.</summary>
    public void Send(byte[] frame, string? messageId = null)
    {
        if (_outbox.Writer.TryWrite(new Outgoing(frame, messageId)))
        {
            _counters.Increment(EmulatorCounter.FramesSent);
            return;
        }

        // Full (not completed by a close or drop): dropped once, as a slow consumer.
        if (Interlocked.CompareExchange(ref _state, Dropped, Open) == Open)
        {
            _counters.Increment(EmulatorCounter.SocketsSlowConsumer);
            Abort();
            _outbox.Writer.TryComplete();
        }
    }

    /// <summary>Sends what is queued, then closes with 1000.</summary>
    public void CloseNormally()
    {
        Interlocked.CompareExchange(ref _state, Closing, Open);
        _outbox.Writer.TryComplete();
    }

    /// <summary>Drops the connection without a close handshake, as a network failure would (nothing, once its request has ended).</summary>
    public void Drop()
    {
        // Marked before the outbox completes, so the send loop, woken by the completion, never writes a
        // close frame first (a guest would then see a normal close, not a lost connection).
        Volatile.Write(ref _state, Dropped);
        Abort();
        _outbox.Writer.TryComplete();
    }

    /// <summary>The request ended: the socket is gone, and dropping it now does nothing.</summary>
    public void Ended() => Volatile.Write(ref _ended, true);

    private void Abort()
    {
        if (Volatile.Read(ref _ended))
        {
            return;
        }

        try
        {
            _abort();
        }
        catch (ObjectDisposedException)
        {
            // The request ended between the check and the abort: nothing to drop.
        }
    }

    /// <summary>Runs until the socket is closed by either side or dropped.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var receiving = ReceiveGuardedAsync(cancellationToken);
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
            Abort();
        }

        await receiving.ConfigureAwait(false);
    }

    /// <summary>Reads what the guest sends until it closes (a close frame ends it).</summary>
    protected abstract Task ReceiveUntilClosedAsync(CancellationToken cancellationToken);

    private async Task ReceiveGuardedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReceiveUntilClosedAsync(cancellationToken).ConfigureAwait(false);
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
                while (reader.TryRead(out var outgoing))
                {
                    await Socket.SendAsync(outgoing.Frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                    if (_sent is not null && outgoing.MessageId is { } messageId)
                    {
                        _sent.Record(messageId);
                    }
                }
            }

            if (Volatile.Read(ref _state) != Dropped && Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "conversation ended", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Dropped while sending: the receive loop sees it too.
        }
    }

    private readonly record struct Outgoing(byte[] Frame, string? MessageId);
}
