using System.Net.WebSockets;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Control;

namespace GuestChat.Emulator.Streaming;

/// <summary>A guest chat event-stream socket: one conversation's frames out; the guest sends nothing on it.</summary>
internal sealed class GuestSocket(Conversation conversation, WebSocket socket, Action abort, EmulatorCounters counters, int outboxLimit, DateTimeOffset openedAt, SendLog? sent = null)
    : ChatSocket(socket, abort, counters, outboxLimit, openedAt, sent)
{
    public Conversation Conversation { get; } = conversation;

    public override IFrameRenderer Frames => GuestChatFrames.Instance;

    protected override async Task ReceiveUntilClosedAsync(CancellationToken cancellationToken)
    {
        // Reading only notices the close or the drop.
        var buffer = new byte[256];
        while (Socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            var result = await Socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
        }
    }
}
