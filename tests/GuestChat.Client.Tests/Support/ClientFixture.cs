using System.Net.WebSockets;
using GuestChat.Client.Authentication;
using GuestChat.Client.Http;
using GuestChat.Client.Models;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;

namespace GuestChat.Client.Tests.Support;

/// <summary>An emulator on loopback with a quick life cycle, and a client pointed at it through a handler that can watch answers.</summary>
internal sealed class ClientFixture : IAsyncDisposable
{
    private ClientFixture(GuestChatEmulator emulator, WatchingHandler handler, GuestChatClient client)
    {
        Emulator = emulator;
        Handler = handler;
        Client = client;
    }

    public GuestChatEmulator Emulator { get; }

    public WatchingHandler Handler { get; }

    public GuestChatClient Client { get; }

    public static async Task<ClientFixture> StartAsync(RetryOptions? retry = null, RateLimitOptions? rateLimit = null, Action<EmulatorOptions>? configure = null)
    {
        var options = EmulatorOptions.Quick();
        configure?.Invoke(options);
        var emulator = await GuestChatEmulator.StartAsync(options);
        var handler = new WatchingHandler(new SocketsHttpHandler());
        var client = new GuestChatClient(
            new GuestChatClientOptions
            {
                Environment = GuestChatEnvironment.FromBaseUrl(emulator.BaseUrl),
                Retry = retry ?? new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(20) },
                RateLimit = rateLimit ?? new RateLimitOptions { RequestsPerSecond = 0 },
            },
            new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan });
        return new ClientFixture(emulator, handler, client);
    }

    /// <summary>Creates a chat and attaches its socket, which routes it; returns the chat and the open socket.</summary>
    public async Task<(CreateWebChatConversationResponse Chat, GuestJwt Jwt, ClientWebSocket Socket)> OpenChatAsync(string queue = EmulatorDefaults.QueueName)
    {
        var created = await Client.CreateConversationAsync(ChatRequests.To(queue, "Client Test"), CancellationToken.None);
        Assert.True(created.IsSuccess, created.Error?.ToString());
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(created.Value!.EventStreamUri!), CancellationToken.None);
        var jwt = new GuestJwt(created.Value.Jwt!);
        await Eventually.TrueAsync(() => Emulator.Conversation(created.Value.Id!)!.Phase == GuestChat.Emulator.Chat.ChatPhase.Active, "the chat routed");
        return (created.Value, jwt, socket);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
    }
}
