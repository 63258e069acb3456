using System.Buffers;
using System.Net.Http;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Event;
using GuestChat.Client.Events;
using static GuestChat.Actors.EventStreams.EventStreamEvents;

namespace GuestChat.Actors.EventStreams;

/// <summary>
/// One socket, once: opens exactly one websocket, reads it in a loop that parses
/// every frame with the client library's parser and tells the parent, and when the socket ends tells
/// the parent why and stops. It never decides policy: reconnecting, backing off and backfilling are the
/// conversation's business.
/// </summary>
/// <remarks>
/// Thin on purpose, because a service holds one per live chat: the socket is upgraded on its own
/// connection (<see cref="WebSocketConnector"/>, no HTTP connection kept under it), an idle socket
/// waits with a zero-byte read and holds no receive buffer of its own (a frame is read into a buffer
/// rented from the shared pool and returned at once), and a frame reaches the parent in one hop from
/// the read that completed it. Websocket.Client, used before, held a 16 KiB receive buffer,
/// Rx subjects, a send channel and timers per socket and passed each frame through two more threads;
/// see docs/performance.md for the numbers.
/// </remarks>
public sealed class EventStreamActor : UntypedActor
{
    private const int FirstReadBytes = 4096;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly EventStreamAddress _address;
    private readonly int _incarnation;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();

    // The socket's frames repeat its conversation's and members' ids: parsed into the same strings each time.
    private readonly RepeatedIds _ids = new();
    private WebSocket? _socket;
    private bool _stopped;
    private bool _closeTold;

    /// <summary>Opens the socket at <paramref name="address"/>; <paramref name="incarnation"/> tags every message to the parent.</summary>
    public EventStreamActor(EventStreamAddress address, int incarnation)
    {
        _address = address;
        _incarnation = incarnation;
    }

    /// <summary>Props for one incarnation of a chat's socket.</summary>
    public static Props Props(EventStreamAddress address, int incarnation) =>
        Akka.Actor.Props.Create(typeof(EventStreamActor), address, incarnation);

    /// <inheritdoc />
    protected override void PreStart() => _ = ReadAsync(Self, Context.Parent, _stop.Token);

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ReadEnded ended:
                End(ended.Reason, ended.CloseStatus, ended.Detail);
                break;

            default:
                Unhandled(message);
                break;
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        WebSocket? socket;
        lock (_gate)
        {
            _stopped = true;
            socket = _socket;
        }

        if (socket is null)
        {
            // Still connecting: the read sees it was stopped and lets go of what it opened.
            _stop.Cancel();
            return;
        }

        // Closing waits for the server's answer; done here it would hold a dispatcher thread, and a few
        // hundred chats ending together would starve the pool. Close, then dispose, off the actor.
        _ = CloseAsync(socket, _stop);
    }

    private static async Task CloseAsync(WebSocket socket, CancellationTokenSource stop)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "conversation over", patience.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // Already gone: nothing to close.
        }
        finally
        {
            await stop.CancelAsync();
            socket.Dispose();
            stop.Dispose();
        }
    }

    /// <summary>
    /// Connects, then reads frames until the socket ends. Runs off the actor: it touches no actor state
    /// but the socket handed over under the gate, tells the parent <see cref="Opened"/> and each frame in
    /// order, and tells this actor how it ended.
    /// </summary>
    private async Task ReadAsync(IActorRef self, IActorRef parent, CancellationToken stop)
    {
        WebSocket? socket = null;
        try
        {
            socket = await WebSocketConnector.ConnectAsync(_address.Reveal(), stop);
            lock (_gate)
            {
                if (_stopped)
                {
                    _ = CloseAsync(socket, _stop);
                    return;
                }

                _socket = socket;
            }

            parent.Tell(new Opened(_incarnation));
            while (true)
            {
                // Wait for the next frame without a buffer: an idle chat holds none.
                var first = await socket.ReceiveAsync(Memory<byte>.Empty, stop);
                var (frame, closed) = first.MessageType == WebSocketMessageType.Close ? (null, true) : await ReadFrameAsync(socket, _ids, stop);
                if (closed)
                {
                    var ended = await ClosedByServerAsync(socket);
                    Tell(self, ended);
                    return;
                }

                parent.Tell(new FrameReceived(_incarnation, frame!));
            }
        }
        catch (Exception) when (Stopped() || stop.IsCancellationRequested)
        {
            // Stopped by the parent, which is not told; whatever the read threw on the way out does not matter.
        }
        catch (Exception e) when (e is WebSocketException or SocketException or HttpRequestException or IOException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            var cause = e.GetBaseException();
            Tell(self, new ReadEnded(socket is not null ? CloseReason.Lost : CloseReason.ConnectFailed, null, $"{cause.GetType().Name}: {_address.Redact(cause.Message)}"));
        }
    }

    private bool Stopped()
    {
        lock (_gate)
        {
            return _stopped;
        }
    }

    private void Tell(IActorRef self, ReadEnded ended)
    {
        if (!Stopped())
        {
            self.Tell(ended);
        }
    }

    /// <summary>One whole message into a pooled buffer, parsed; a message larger than the parser takes is read to its end and skipped.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // once per frame: its state is pooled, not allocated
    private static async ValueTask<(StreamEvent? Frame, bool Closed)> ReadFrameAsync(WebSocket socket, RepeatedIds ids, CancellationToken stop)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FirstReadBytes);
        try
        {
            var length = 0;
            var tooLarge = false;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= EventStreamParser.MaxFrameBytes)
                    {
                        // Keep reading to the end of the message into the same buffer, keeping none of it.
                        tooLarge = true;
                        length = 0;
                    }
                    else
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, EventStreamParser.MaxFrameBytes));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }

                var read = await socket.ReceiveAsync(buffer.AsMemory(length), stop);
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    return (null, true);
                }

                length += read.Count;
                if (read.EndOfMessage)
                {
                    return (tooLarge
                        ? new UnparseableFrame($"A frame larger than {EventStreamParser.MaxFrameBytes} bytes was skipped.")
                        : EventStreamParser.Parse(buffer.AsSpan(0, length), ids), false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Answers the server's close (best effort) and says how it closed.</summary>
    private static async Task<ReadEnded> ClosedByServerAsync(WebSocket socket)
    {
        var status = socket.CloseStatus;
        try
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, patience.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The server has gone already; its close stands.
        }

        return new ReadEnded(CloseReason.ClosedByServer, status, $"closed by server {status}");
    }

    private void End(CloseReason reason, WebSocketCloseStatus? status, string detail)
    {
        if (_closeTold)
        {
            return;
        }

        _closeTold = true;
        _log.Debug("Event stream {Incarnation} at {Address} ended: {Reason} {CloseStatus} {Detail}", _incarnation, _address, reason, status, detail);
        Context.Parent.Tell(new Closed(_incarnation, reason, status, detail));
        Context.Stop(Self);
    }

    private sealed record ReadEnded(CloseReason Reason, WebSocketCloseStatus? CloseStatus, string Detail);
}
