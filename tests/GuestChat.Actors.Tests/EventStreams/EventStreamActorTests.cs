using System.Net.WebSockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using GuestChat.Actors.EventStreams;
using GuestChat.Client;
using GuestChat.Client.Events;
using GuestChat.Client.Http;
using GuestChat.Client.Models;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;
using static GuestChat.Actors.EventStreams.EventStreamEvents;
using EventStreamActor = GuestChat.Actors.EventStreams.EventStreamActor;

namespace GuestChat.Actors.Tests.EventStreams;

/// <summary>The socket actor against the emulator over a real loopback websocket.</summary>
public sealed class EventStreamActorTests : TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private GuestChatEmulator _emulator = null!;
    private GuestChatClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await GuestChatEmulator.StartAsync(EmulatorOptions.Quick());
        _client = new GuestChatClient(new GuestChatClientOptions
        {
            Environment = GuestChatEnvironment.FromBaseUrl(_emulator.BaseUrl),
            RateLimit = new RateLimitOptions { RequestsPerSecond = 0 },
        });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Opens_the_socket_and_tells_its_parent_every_frame_parsed()
    {
        var chat = await CreateChatAsync();
        var parent = CreateTestProbe();
        parent.ChildActorOf(EventStreamActor.Props(new EventStreamAddress(new Uri(chat.EventStreamUri!)), incarnation: 3));

        parent.ExpectMsg<Opened>(o => o.Incarnation == 3, Patience);
        var connected = parent.FishForMessage<FrameReceived>(f => f.Event is MemberChangeEvent { State: MemberState.Connected } c && c.MemberId == chat.Member!.Id, Patience);
        Assert.Equal(3, connected.Incarnation);
        parent.FishForMessage<FrameReceived>(f => f.Event is MessageEvent { BodyType: BodyType.MemberJoin } m && m.SenderId != chat.Member!.Id, Patience);
    }

    [Fact]
    public async Task A_dropped_connection_is_reported_as_lost_and_the_actor_stops_without_reconnecting()
    {
        var chat = await CreateChatAsync();
        var parent = CreateTestProbe();
        var stream = parent.ChildActorOf(EventStreamActor.Props(new EventStreamAddress(new Uri(chat.EventStreamUri!)), 1));
        parent.Watch(stream);
        parent.ExpectMsg<Opened>(Patience);

        using var http = new HttpClient { BaseAddress = _emulator.BaseUrl };
        await http.PostAsync($"/emulator/conversations/{chat.Id}/sockets/drop", null);

        var closed = parent.FishForMessage<Closed>(_ => true, Patience);
        Assert.Equal(CloseReason.Lost, closed.Reason);
        parent.FishForMessage<Terminated>(t => t.ActorRef.Equals(stream), Patience);
        Assert.Equal(1, _emulator.Counters[Emulator.Control.EmulatorCounter.SocketsOpened]);
    }

    [Fact]
    public async Task A_close_by_the_server_after_the_chat_ends_is_reported_with_its_status()
    {
        var chat = await CreateChatAsync();
        var parent = CreateTestProbe();
        parent.ChildActorOf(EventStreamActor.Props(new EventStreamAddress(new Uri(chat.EventStreamUri!)), 1));
        parent.ExpectMsg<Opened>(Patience);

        var jwt = new Client.Authentication.GuestJwt(chat.Jwt!);
        Assert.True((await _client.RemoveMemberAsync(jwt, chat.Id!, chat.Member!.Id!, CancellationToken.None)).IsSuccess);

        var closed = parent.FishForMessage<Closed>(_ => true, Patience);
        Assert.Equal(CloseReason.ClosedByServer, closed.Reason);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, closed.CloseStatus);
    }

    [Fact]
    public void A_socket_that_cannot_open_is_reported_as_connect_failed_without_the_token()
    {
        var parent = CreateTestProbe();
        const string token = "aaaa.bbbb.cccc";
        parent.ChildActorOf(EventStreamActor.Props(new EventStreamAddress(new Uri($"ws://127.0.0.1:9/chat/jwt/{token}")), 1));

        var closed = parent.ExpectMsg<Closed>(Patience);
        Assert.Equal(CloseReason.ConnectFailed, closed.Reason);
        Assert.DoesNotContain(token, closed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_address_never_prints_its_token()
    {
        var address = new EventStreamAddress(new Uri("wss://streaming.mypurecloud.com/chat/jwt/secret.token.value"));
        Assert.Equal("wss://streaming.mypurecloud.com/<token>", address.ToString());
        Assert.Throws<ArgumentException>(() => new EventStreamAddress(new Uri("https://example.com/x")));
    }

    [Fact]
    public void A_chats_address_keeps_its_token_from_the_chats_jwt_and_gives_the_whole_address_back()
    {
        const string uri = "wss://streaming.mypurecloud.com/chat/jwt/secret.token.value";
        var jwt = new GuestChat.Client.Authentication.GuestJwt("secret.token.value");
        var address = new EventStreamAddress(uri, jwt);

        Assert.Equal(uri, address.Reveal().OriginalString);
        Assert.Equal("closed: <token> refused", address.Redact("closed: secret.token.value refused"));
        Assert.Equal("wss://streaming.mypurecloud.com/<token>", address.ToString());

        // An address that does not end with the chat's token (Web Messaging's) is kept whole.
        var other = new EventStreamAddress("wss://webmessaging.example/v1?deploymentId=d-1", jwt);
        Assert.Equal("wss://webmessaging.example/v1?deploymentId=d-1", other.Reveal().OriginalString);
    }

    private async Task<CreateWebChatConversationResponse> CreateChatAsync()
    {
        var created = await _client.CreateConversationAsync(ChatRequests.To(EmulatorDefaults.SilentQueueName, "Actor Test"), CancellationToken.None);
        Assert.True(created.IsSuccess);
        return created.Value!;
    }
}
