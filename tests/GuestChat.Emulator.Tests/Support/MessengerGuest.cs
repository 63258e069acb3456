using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using GuestChat.Client.WebMessaging;
using GuestChat.Emulator.Options;

namespace GuestChat.Emulator.Tests.Support;

/// <summary>A Web Messaging guest on a raw socket: sends requests as the client library writes them, reads every frame both raw and parsed.</summary>
internal sealed class MessengerGuest : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket;

    private MessengerGuest(ClientWebSocket socket, string token)
    {
        _socket = socket;
        Token = token;
    }

    public string Token { get; }

    public WebSocketState State => _socket.State;

    public static async Task<MessengerGuest> ConnectAsync(GuestChatEmulator emulator, string? token = null, string deploymentId = EmulatorDefaults.DeploymentId)
    {
        var socket = new ClientWebSocket();
        var address = new UriBuilder(emulator.BaseUrl) { Scheme = "ws", Path = "/v1", Query = $"deploymentId={deploymentId}" }.Uri;
        await socket.ConnectAsync(address, CancellationToken.None);
        return new MessengerGuest(socket, token ?? Guid.NewGuid().ToString());
    }

    /// <summary>Connects and configures the session; returns its answer.</summary>
    public static async Task<(MessengerGuest Guest, SessionResponse Session)> StartAsync(GuestChatEmulator emulator, string? token = null, bool startNew = false)
    {
        var guest = await ConnectAsync(emulator, token);
        await guest.SendAsync(WebMessagingRequests.ConfigureSession(guest.Token, EmulatorDefaults.DeploymentId, startNew));
        return (guest, Assert.IsType<SessionResponse>((await guest.NextAsync()).Frame));
    }

    public Task SendAsync(byte[] request) => _socket.SendAsync(request, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public Task SendAsync(string request) => SendAsync(Encoding.UTF8.GetBytes(request));

    /// <summary>The next frame, raw and parsed; fails the test after 10 s.</summary>
    public async Task<(JsonObject Raw, WebMessagingFrame Frame)> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[64 * 1024];
        var count = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(count), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("The emulator closed the socket.");
            }

            count += result.Count;
            if (result.EndOfMessage)
            {
                var text = Encoding.UTF8.GetString(buffer, 0, count);
                return (JsonNode.Parse(text)!.AsObject(), WebMessagingParser.Parse(text));
            }
        }
    }

    /// <summary>Frames until one matches, skipping the others (the agent's typing, say).</summary>
    public async Task<(JsonObject Raw, T Frame)> NextAsync<T>(Func<T, bool>? where = null)
        where T : WebMessagingFrame
    {
        while (true)
        {
            var (raw, frame) = await NextAsync();
            if (frame is T wanted && (where is null || where(wanted)))
            {
                return (raw, wanted);
            }
        }
    }

    /// <summary>Waits for the emulator to close the socket (after the frames it sent first).</summary>
    public async Task<WebSocketCloseStatus?> ClosedAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return _socket.CloseStatus;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Gone already.
            }
        }

        _socket.Dispose();
    }
}
