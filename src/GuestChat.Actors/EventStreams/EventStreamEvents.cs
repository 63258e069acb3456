using System.Net.WebSockets;
using GuestChat.Client.Events;

namespace GuestChat.Actors.EventStreams;

/// <summary>What an <see cref="EventStreamActor"/> tells its parent.</summary>
public static class EventStreamEvents
{
    /// <summary>Why a socket ended.</summary>
    public enum CloseReason
    {
        /// <summary>The socket could not be opened.</summary>
        ConnectFailed,

        /// <summary>The server closed it with a close frame (after the chat ended, 1000).</summary>
        ClosedByServer,

        /// <summary>The connection was lost without a close (a network failure, a drop).</summary>
        Lost,

        /// <summary>The parent asked for it to close.</summary>
        ClosedByParent,
    }

    /// <summary>The socket is open; frames will follow.</summary>
    public sealed record Opened(int Incarnation);

    /// <summary>One frame, parsed. Unparseable and unknown frames come too: any frame proves the socket alive.</summary>
    public sealed record FrameReceived(int Incarnation, StreamEvent Event);

    /// <summary>The socket has ended; the actor stops right after telling this.</summary>
    public sealed record Closed(int Incarnation, CloseReason Reason, WebSocketCloseStatus? CloseStatus, string Detail);
}
