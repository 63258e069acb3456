using Akka.Actor;
using Akka.TestKit.Xunit2;
using GuestChat.Actors.EventStreams;
using GuestChat.Client;
using GuestChat.Client.Authentication;
using GuestChat.Client.Events;
using GuestChat.Client.Models;
using GuestChat.Client.WebMessaging;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;
using static GuestChat.Actors.EventStreams.EventStreamEvents;

namespace GuestChat.Actors.Tests.EventStreams;

/// <summary>
/// The Web Messaging socket actor against the emulator's Web Messaging profile: it speaks to its parent as
/// the guest chat socket actor does, so a conversation hears the same events from either API.
/// </summary>
public sealed class MessagingStreamActorTests : TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private GuestChatEmulator _emulator = null!;
    private MessagingTarget _target = null!;

    public async Task InitializeAsync()
    {
        _emulator = await GuestChatEmulator.StartAsync(EmulatorOptions.Quick());
        _target = new MessagingTarget(
            WebMessagingEndpoints.From(GuestChatEnvironment.FromBaseUrl(_emulator.BaseUrl)),
            EmulatorDefaults.DeploymentId,
            new GuestJwt(Guid.NewGuid().ToString()),
            "https://shop.example",
            ConversationId: "wm-conversation-1",
            GuestMemberId: "wm-guest-1");
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task The_guests_text_is_taken_and_the_chat_is_heard_as_guest_chat_events()
    {
        var parent = CreateTestProbe();
        var stream = parent.ChildActorOf(MessagingStreamActor.Props(_target, incarnation: 4));
        parent.ExpectMsg<Opened>(o => o.Incarnation == 4, Patience);
        var connected = parent.ExpectMsg<FrameReceived>(Patience);
        Assert.Equal(new MemberChangeEvent("wm-conversation-1", "wm-guest-1", MemberState.Connected, ((MemberChangeEvent)connected.Event).Timestamp, null), connected.Event);

        var taken = await stream.Ask<MessagingStreamActor.TextTaken>(new MessagingStreamActor.SendText("Hello from the bot", "trace-9"), Patience);
        Assert.True(taken.Message is { IsInbound: true, Text: "Hello from the bot" });

        var own = parent.FishForMessage<FrameReceived>(f => f.Event is MessageEvent { SenderId: "wm-guest-1" }, Patience);
        Assert.Equal(taken.Message.Id, ((MessageEvent)own.Event).MessageId);
        var joined = (MemberChangeEvent)parent.FishForMessage<FrameReceived>(f => f.Event is MemberChangeEvent { State: MemberState.Connected } c && c.MemberId != "wm-guest-1", Patience).Event;
        var answer = (MessageEvent)parent.FishForMessage<FrameReceived>(f => f.Event is MessageEvent m && m.SenderId != "wm-guest-1", Patience).Event;
        Assert.Equal(joined.MemberId, answer.SenderId);
        Assert.Equal(MessagingChat.MemberIdOf(MemberRole.Agent, "Alice Agent"), answer.SenderId);
        Assert.Contains("Hello from the bot", answer.Body, StringComparison.Ordinal);

        // Once an agent has spoken, its typing is told as that agent's.
        await stream.Ask<MessagingStreamActor.TextTaken>(new MessagingStreamActor.SendText("and again", "trace-10"), Patience);
        var typing = (TypingEvent)parent.FishForMessage<FrameReceived>(f => f.Event is TypingEvent, Patience).Event;
        Assert.Equal(joined.MemberId, typing.SenderId);
    }

    [Fact]
    public async Task A_dropped_socket_is_lost_the_same_token_resumes_and_the_end_is_the_guest_disconnected()
    {
        var parent = CreateTestProbe();
        var first = parent.ChildActorOf(MessagingStreamActor.Props(_target, incarnation: 1));
        parent.Watch(first);
        parent.ExpectMsg<Opened>(Patience);
        await first.Ask<MessagingStreamActor.TextTaken>(new MessagingStreamActor.SendText("hi", "t-1"), Patience);
        parent.FishForMessage<FrameReceived>(f => f.Event is MessageEvent m && m.SenderId != "wm-guest-1", Patience);

        using var http = new HttpClient { BaseAddress = _emulator.BaseUrl };
        var conversation = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("/emulator/conversations"))!.AsArray().Single()!["id"]!.GetValue<string>();
        await http.PostAsync($"/emulator/conversations/{conversation}/sockets/drop", null);
        Assert.Equal(CloseReason.Lost, parent.FishForMessage<Closed>(_ => true, Patience).Reason);
        parent.FishForMessage<Terminated>(t => t.ActorRef.Equals(first), Patience);

        parent.ChildActorOf(MessagingStreamActor.Props(_target, incarnation: 2));
        parent.ExpectMsg<Opened>(o => o.Incarnation == 2, Patience);
        parent.FishForMessage<FrameReceived>(f => f.Event is MemberChangeEvent { MemberId: "wm-guest-1", State: MemberState.Connected }, Patience);
        (await http.PostAsync($"/emulator/conversations/{conversation}/agent/end", null)).EnsureSuccessStatusCode();
        parent.FishForMessage<FrameReceived>(f => f.Incarnation == 2 && f.Event is MemberChangeEvent { MemberId: "wm-guest-1", State: MemberState.Disconnected }, Patience);
        Assert.Single(System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("/emulator/conversations"))!.AsArray());
    }

    [Fact]
    public void A_session_the_server_refuses_is_a_failed_connect_and_its_token_is_in_no_message()
    {
        var parent = CreateTestProbe();
        var refused = _target with { DeploymentId = Guid.NewGuid().ToString() };
        parent.ChildActorOf(MessagingStreamActor.Props(refused, 1));
        var closed = parent.ExpectMsg<Closed>(Patience);
        Assert.Equal(CloseReason.ConnectFailed, closed.Reason);
        Assert.DoesNotContain(_target.Token.Reveal(), closed.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(_target.Token.Reveal(), _target.ToString(), StringComparison.Ordinal);
    }
}
