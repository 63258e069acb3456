using System.Net.WebSockets;
using System.Text;
using Akka.Actor;
using Akka.Event;
using GuestChat.Client.Events;
using Websocket.Client;
using static GuestChat.Actors.EventStreams.EventStreamEvents;

namespace GuestChat.Actors.EventStreams;

/// <summary>
/// One socket, once: wraps exactly one <see cref="WebsocketClient"/> with all of the library's own
/// reconnection turned off, parses every frame with the client library's parser and tells the parent,
/// and when the socket ends tells the parent why and stops. It never decides policy: reconnecting,
/// backing off and backfilling are the conversation's business.
/// </summary>
public sealed class EventStreamActor : UntypedActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly EventStreamAddress _address;
    private readonly int _incarnation;
    private readonly IActorRef _parent;
    private readonly WebsocketClient _socket;
    private readonly List<IDisposable> _subscriptions = [];
    private bool _opened;
    private bool _closeTold;

    /// <summary>Opens the socket at <paramref name="address"/>; <paramref name="incarnation"/> tags every message to the parent.</summary>
    public EventStreamActor(EventStreamAddress address, int incarnation)
    {
        _address = address;
        _incarnation = incarnation;
        _parent = Context.Parent;
        _socket = new WebsocketClient(address.Reveal(), () => new ClientWebSocket { Options = { KeepAliveInterval = TimeSpan.Zero } })
        {
            IsReconnectionEnabled = false,
            ReconnectTimeout = null,
            ErrorReconnectTimeout = null,
            LostReconnectTimeout = null,
            IsTextMessageConversionEnabled = false,
            Name = $"event-stream-{incarnation}",
        };
    }

    /// <summary>Props for one incarnation of a chat's socket.</summary>
    public static Props Props(EventStreamAddress address, int incarnation) =>
        Akka.Actor.Props.Create(() => new EventStreamActor(address, incarnation));

    /// <inheritdoc />
    protected override void PreStart()
    {
        var self = Self;
        _subscriptions.Add(_socket.MessageReceived.Subscribe(message => self.Tell(new FrameArrived(message))));
        _subscriptions.Add(_socket.DisconnectionHappened.Subscribe(info => self.Tell(new SocketEnded(info.Type, info.CloseStatus, info.Exception?.GetType().Name))));
        _socket.StartOrFail().PipeTo(self, success: () => SocketStarted.Instance, failure: e => new SocketFailedToStart(e.GetBaseException().GetType().Name, e.GetBaseException().Message));
    }

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case FrameArrived arrived:
            {
                // The first frame can overtake the news that the socket started.
                TellOpened();
                var frame = arrived.Message.Binary ?? Encoding.UTF8.GetBytes(arrived.Message.Text ?? "");
                _parent.Tell(new FrameReceived(_incarnation, EventStreamParser.Parse(frame)));
                break;
            }

            case SocketStarted:
            {
                TellOpened();
                break;
            }

            case SocketFailedToStart failed:
            {
                End(CloseReason.ConnectFailed, null, $"{failed.ExceptionType}: {Redact(failed.Message)}");
                break;
            }

            case SocketEnded ended:
            {
                // A server that closes at once (a chat already over) is a close, not a failure to connect.
                var reason = ended.Type == DisconnectionType.ByServer ? CloseReason.ClosedByServer
                    : !_opened ? CloseReason.ConnectFailed
                    : ended.Type switch
                {
                    DisconnectionType.ByServer => CloseReason.ClosedByServer,
                    DisconnectionType.ByUser or DisconnectionType.Exit => CloseReason.ClosedByParent,
                    _ => CloseReason.Lost,
                };
                End(reason, ended.CloseStatus, $"{ended.Type}{(ended.ExceptionType is null ? "" : " " + ended.ExceptionType)}");
                break;
            }

            default:
                Unhandled(message);
                break;
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        // Disposing waits for the close handshake; done here it would hold a dispatcher thread, and a
        // few hundred chats ending together would starve the pool. Close first, dispose when closed.
        var socket = _socket;
        _ = socket.Stop(WebSocketCloseStatus.NormalClosure, "conversation over")
            .ContinueWith(_ => socket.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void TellOpened()
    {
        if (_opened || _closeTold)
        {
            return;
        }

        _opened = true;
        _log.Debug("Event stream {Incarnation} open at {Address}", _incarnation, _address);
        _parent.Tell(new Opened(_incarnation));
    }

    private void End(CloseReason reason, WebSocketCloseStatus? status, string detail)
    {
        if (_closeTold)
        {
            return;
        }

        _closeTold = true;
        _log.Debug("Event stream {Incarnation} at {Address} ended: {Reason} {CloseStatus} {Detail}", _incarnation, _address, reason, status, detail);
        _parent.Tell(new Closed(_incarnation, reason, status, detail));
        Context.Stop(Self);
    }

    /// <summary>Exception texts can quote the URL, and with it the token.</summary>
    private string Redact(string text)
    {
        var token = _address.Reveal().Segments[^1];
        return token.Length > 0 ? text.Replace(token, "<token>", StringComparison.Ordinal) : text;
    }

    private sealed record FrameArrived(ResponseMessage Message);

    private sealed record SocketStarted
    {
        public static SocketStarted Instance { get; } = new();
    }

    private sealed record SocketFailedToStart(string ExceptionType, string Message);

    private sealed record SocketEnded(DisconnectionType Type, WebSocketCloseStatus? CloseStatus, string? ExceptionType);
}
