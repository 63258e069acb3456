using System.Net.Http.Json;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Transports;
using GuestChat.Client;
using GuestChat.Client.Models;
using GuestChat.Client.WebMessaging;
using GuestChat.Emulator;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Options;
using GuestChat.Testing;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.Conversations.ConversationQueries;

namespace GuestChat.Actors.Tests.Conversations;

/// <summary>
/// The same conversation actor on Web Messaging (<see cref="WebMessagingTransport"/>) against the emulator's
/// Web Messaging profile: the states, messages both ways (a send accepted once it comes back), the agent as a
/// member, the end by the guest, and a dropped socket resumed with the same token and backfilled from the history.
/// </summary>
public sealed class WebMessagingConversationTests : TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private GuestChatEmulator _emulator = null!;
    private HttpClient _http = null!;
    private WebMessagingTransport _transport = null!;

    public async Task InitializeAsync()
    {
        _emulator = await GuestChatEmulator.StartAsync(EmulatorOptions.Quick());
        _http = new HttpClient { BaseAddress = _emulator.BaseUrl };
        _transport = new WebMessagingTransport(WebMessagingEndpoints.From(GuestChatEnvironment.FromBaseUrl(_emulator.BaseUrl)), _http, origin: "https://shop.example");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public void A_whole_chat_on_web_messaging_goes_through_its_states_with_messages_both_ways_and_ends_when_the_guest_leaves()
    {
        var (key, conversation, events) = StartConversation();
        ExpectMsg<Started>(Patience);
        events.FishForMessage<StateChanged>(s => s.State == ConversationState.Queued, Patience);

        // On Web Messaging the guest's first message routes the chat.
        conversation.Tell(new SendMessage(key, "hello", ClientMessageId: "c-1"));
        var accepted = ExpectMsg<MessageAccepted>(Patience);
        Assert.Equal("c-1", accepted.ClientMessageId);
        var agent = events.FishForMessage<MemberChanged>(m => m.Member.Role == MemberRole.Agent && m.Member.State == MemberState.Connected, Patience).Member;
        Assert.Equal("Alice Agent", agent.DisplayName);
        var reply = events.FishForMessage<MessageReceived>(m => m.Body.Contains("hello", StringComparison.Ordinal), Patience);
        Assert.Equal(agent.Id, reply.Sender.Id);
        events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active, Patience);

        conversation.Tell(new End(key));
        Assert.Equal(ConversationEndReason.GuestLeft, events.FishForMessage<Ended>(_ => true, Patience).Reason);
        Assert.Equal(new End(key), ExpectMsg<CommandAccepted>(Patience).Command);
        Assert.Equal(ChatEndReason.GuestLeft, Assert.Single(_emulator.Conversations()).EndReason);

        conversation.Tell(new GetTranscript(key));
        var transcript = ExpectMsg<Transcript>(Patience);
        Assert.Single(transcript.Lines, l => l.MessageId == accepted.MessageId && l.SenderRole == MemberRole.Customer);
        Assert.Single(transcript.Lines, l => l.MessageId == reply.MessageId);
    }

    [Fact]
    public async Task A_dropped_socket_is_resumed_with_the_same_token_and_what_the_agent_said_meanwhile_arrives_once()
    {
        var (key, conversation, events) = StartConversation();
        ExpectMsg<Started>(Patience);
        conversation.Tell(new SendMessage(key, "hello"));
        ExpectMsg<MessageAccepted>(Patience);
        events.FishForMessage<MessageReceived>(m => m.Body.Contains("hello", StringComparison.Ordinal), Patience);

        var chat = Assert.Single(_emulator.Conversations());
        (await _http.PostAsync($"/emulator/conversations/{chat.Id}/sockets/drop", null)).EnsureSuccessStatusCode();
        events.FishForMessage<Reconnecting>(_ => true, Patience);
        (await _http.PostAsJsonAsync($"/emulator/conversations/{chat.Id}/agent/messages", new { body = "said while you were away" })).EnsureSuccessStatusCode();

        // Read from the history after the reconnect (or live, had the socket been back first), then Active again.
        events.FishForMessage<MessageReceived>(m => m.Body == "said while you were away", Patience);
        events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active, Patience);
        conversation.Tell(new SendMessage(key, "back again"));
        ExpectMsg<MessageAccepted>(Patience);
        events.FishForMessage<MessageReceived>(m => m.Body.Contains("back again", StringComparison.Ordinal), Patience);

        conversation.Tell(new GetTranscript(key));
        var transcript = ExpectMsg<Transcript>(Patience);
        Assert.Single(transcript.Lines, l => l.Body == "said while you were away");
        Assert.Equal(1, _emulator.Counters[Emulator.Control.EmulatorCounter.ChatsCreated]);
    }

    [Fact]
    public async Task The_guests_typing_goes_at_most_every_five_seconds_as_on_genesyss_transport()
    {
        var (key, conversation, _) = StartConversation();
        ExpectMsg<Started>(Patience);
        conversation.Tell(new SendTyping(key));
        ExpectMsg<CommandAccepted>(Patience);
        await Eventually.TrueAsync(() => Task.FromResult(_emulator.Counters[Emulator.Control.EmulatorCounter.GuestTyping] == 1), "the first typing at Genesys", Patience);

        // Past the conversation's own 3 s window, inside this API's 5 s: taken, not sent.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        conversation.Tell(new SendTyping(key));
        ExpectMsg<CommandAccepted>(Patience);
        await Task.Delay(TimeSpan.FromSeconds(0.5));
        Assert.Equal(1, _emulator.Counters[Emulator.Control.EmulatorCounter.GuestTyping]);

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        conversation.Tell(new SendTyping(key));
        ExpectMsg<CommandAccepted>(Patience);
        await Eventually.TrueAsync(() => Task.FromResult(_emulator.Counters[Emulator.Control.EmulatorCounter.GuestTyping] == 2), "the next typing once 5 s have passed", Patience);
    }

    private (ConversationKey Key, IActorRef Conversation, TestProbe Events) StartConversation()
    {
        var key = new ConversationKey($"wm-{Guid.NewGuid():N}");
        var events = CreateTestProbe();
        var conversation = Sys.ActorOf(ConversationActor.Props(key, _transport, new ConversationSettings(), _transport));
        conversation.Tell(new Subscribe(key, events));
        conversation.Tell(new Start(key, ChatRequests.To(displayName: "Messaging Guest")));
        return (key, conversation, events);
    }
}
