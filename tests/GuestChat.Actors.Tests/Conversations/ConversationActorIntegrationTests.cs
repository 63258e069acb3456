using System.Net.Http.Json;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.EventStreams;
using GuestChat.Actors.Tests.Support;
using GuestChat.Client;
using GuestChat.Client.Http;
using GuestChat.Client.Models;
using GuestChat.Emulator;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Options;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.Conversations.ConversationQueries;

namespace GuestChat.Actors.Tests.Conversations;

/// <summary>Conversations against the emulator over real loopback HTTP and websockets.</summary>
public sealed class ConversationActorIntegrationTests : TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private GuestChatEmulator _emulator = null!;
    private GuestChatClient _client = null!;
    private HttpClient _control = null!;

    public async Task InitializeAsync()
    {
        _emulator = await GuestChatEmulator.StartAsync(EmulatorOptions.Quick());
        _client = new GuestChatClient(new GuestChatClientOptions
        {
            Environment = GuestChatEnvironment.FromBaseUrl(_emulator.BaseUrl),
            RateLimit = new RateLimitOptions { RequestsPerSecond = 0 },
        });
        _control = new HttpClient { BaseAddress = _emulator.BaseUrl };
    }

    public async Task DisposeAsync()
    {
        _control.Dispose();
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public void A_whole_chat_goes_through_its_states_with_messages_both_ways_and_ends_when_the_guest_leaves()
    {
        var (key, conversation, events) = StartConversation(EmulatorDefaults.QueueName);
        var started = ExpectMsg<Started>(Patience);
        var agent = events.FishForMessage<MemberChanged>(m => m.Member.Role == MemberRole.Agent && m.Member.State == MemberState.Connected, Patience).Member;
        events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active, Patience);
        Assert.Equal("Alice Agent", agent.DisplayName);

        conversation.Tell(new SendMessage(key, "hello", ClientMessageId: "c-1"));
        var accepted = ExpectMsg<MessageAccepted>(Patience);
        Assert.Equal("c-1", accepted.ClientMessageId);
        var reply = events.FishForMessage<MessageReceived>(m => m.Body == "hello", Patience);
        Assert.Equal(agent.Id, reply.Sender.Id);
        Assert.Equal(MemberRole.Agent, reply.Sender.Role);

        conversation.Tell(new End(key));
        var ended = events.FishForMessage<Ended>(_ => true, Patience);
        Assert.Equal(ConversationEndReason.GuestLeft, ended.Reason);
        Assert.Equal(new End(key), ExpectMsg<CommandAccepted>(Patience).Command);
        Assert.Equal(ChatEndReason.GuestLeft, _emulator.Conversation(started.ConversationId)!.EndReason);

        conversation.Tell(new GetTranscript(key));
        var transcript = ExpectMsg<Transcript>(Patience);
        Assert.Contains(transcript.Lines, l => l.MessageId == accepted.MessageId && l.SenderRole == MemberRole.Customer);
        Assert.Contains(transcript.Lines, l => l.MessageId == reply.MessageId);
        conversation.Tell(new SendMessage(key, "too late"));
        Assert.Contains("ended", ExpectMsg<CommandRejected>(Patience).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Own_echoes_are_filtered_and_every_agent_message_arrives_once()
    {
        var (key, conversation, events) = StartConversation(EmulatorDefaults.QueueName);
        var started = ExpectMsg<Started>(Patience);
        events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active, Patience);
        for (var i = 0; i < 5; i++)
        {
            conversation.Tell(new SendMessage(key, $"m{i}"));
            ExpectMsg<MessageAccepted>(Patience);
        }

        var received = new List<MessageReceived>();
        while (received.Count < 5)
        {
            received.Add(events.FishForMessage<MessageReceived>(_ => true, Patience));
        }

        // The agent answers each message on its own timer, so its order is the transcript's, not the guest's.
        var agentLines = _emulator.Conversation(started.ConversationId)!.Transcript!
            .Where(e => e.SenderRole == MemberRole.Agent && e.BodyType == BodyType.Standard)
            .Select(e => e.Id);
        Assert.Equal(agentLines, received.Select(r => r.MessageId));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"m{i}"), received.Select(r => r.Body).Order());
        Assert.All(received, r => Assert.Equal(MemberRole.Agent, r.Sender.Role));
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task After_a_dropped_socket_it_reconnects_and_backfills_what_the_agent_said_meanwhile_exactly_once()
    {
        var (key, conversation, events) = StartConversation(EmulatorDefaults.SilentQueueName);
        var started = ExpectMsg<Started>(Patience);
        events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active, Patience);

        await _control.PostAsync($"/emulator/conversations/{started.ConversationId}/sockets/drop", null);
        await _control.PostAsJsonAsync($"/emulator/conversations/{started.ConversationId}/agent/messages", new { body = "while you were away" });
        events.FishForMessage<Reconnecting>(_ => true, Patience);
        var missed = events.FishForMessage<MessageReceived>(m => m.Body == "while you were away", Patience);
        events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active, Patience);
        await _control.PostAsJsonAsync($"/emulator/conversations/{started.ConversationId}/agent/messages", new { body = "welcome back" });
        events.FishForMessage<MessageReceived>(m => m.Body == "welcome back", Patience);

        conversation.Tell(new GetTranscript(key));
        var transcript = ExpectMsg<Transcript>(Patience);
        Assert.Single(transcript.Lines, l => l.MessageId == missed.MessageId);
        Assert.True(_emulator.Counters[Emulator.Control.EmulatorCounter.SocketsOpened] >= 2);
    }

    [Fact]
    public async Task The_agent_ending_the_chat_ends_the_conversation_with_that_reason()
    {
        var (_, _, events) = StartConversation(EmulatorDefaults.SilentQueueName);
        var started = ExpectMsg<Started>(Patience);
        events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active, Patience);

        await _control.PostAsync($"/emulator/conversations/{started.ConversationId}/agent/end", null);

        Assert.Equal(ConversationEndReason.AgentEnded, events.FishForMessage<Ended>(_ => true, Patience).Reason);
    }

    [Fact]
    public void Commands_sent_before_the_chat_is_attached_are_served_in_order_once_it_is()
    {
        var key = new ConversationKey($"early-{Guid.NewGuid():N}");
        var conversation = Sys.ActorOf(ConversationActor.Props(key, _client, new ConversationSettings(), new EventStreamFactory()));
        conversation.Tell(new SendMessage(key, "first", ClientMessageId: "1"));
        conversation.Tell(new SendMessage(key, "second", ClientMessageId: "2"));
        conversation.Tell(new Start(key, ChatRequests.To(displayName: "Actor Guest", queue: EmulatorDefaults.SilentQueueName)));

        ExpectMsg<Started>(Patience);
        Assert.Equal("1", ExpectMsg<MessageAccepted>(Patience).ClientMessageId);
        Assert.Equal("2", ExpectMsg<MessageAccepted>(Patience).ClientMessageId);
    }

    [Fact]
    public void A_media_request_is_reported_and_answered_by_the_configured_policy()
    {
        var (key, conversation, events) = StartConversation(EmulatorDefaults.MediaQueueName, new ConversationSettings { MediaRequestPolicy = MediaRequestDecision.Accept });
        var started = ExpectMsg<Started>(Patience);
        events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active, Patience);

        conversation.Tell(new SendMessage(key, "show me"));
        var requested = events.FishForMessage<MediaRequested>(_ => true, Patience);

        AwaitCondition(() => _emulator.Conversation(started.ConversationId)!.MediaRequests!.Single(r => r.Id == requested.Request.Id).State == MediaRequestState.Accepted, Patience);
    }

    [Fact]
    public void A_refused_start_fails_the_conversation_with_the_genesys_error()
    {
        var key = new ConversationKey($"bad-{Guid.NewGuid():N}");
        var events = CreateTestProbe();
        var conversation = Sys.ActorOf(ConversationActor.Props(key, _client, new ConversationSettings(), new EventStreamFactory()));
        conversation.Tell(new Subscribe(key, events));
        conversation.Tell(new Start(key, ChatRequests.To(displayName: "Actor Guest", queue: "No Such Queue")));

        var rejected = ExpectMsg<CommandRejected>(Patience);
        Assert.Equal(ErrorCodes.InvalidQueue, rejected.Error!.Code);
        var ended = events.FishForMessage<Ended>(_ => true, Patience);
        Assert.Equal(ConversationEndReason.Failed, ended.Reason);
        conversation.Tell(new GetStatus(key));
        Assert.Equal(ConversationState.Failed, ExpectMsg<ConversationQueries.Status>(Patience).State);
    }

    [Fact]
    public async Task No_log_line_of_a_whole_chat_contains_its_jwt()
    {
        var logs = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var listener = Sys.ActorOf(Props.Create(() => new LogCollector(logs)));
        Sys.EventStream.Subscribe(listener, typeof(Akka.Event.LogEvent));
        var recording = new RecordingClient(_client);
        var key = new ConversationKey($"logs-{Guid.NewGuid():N}");
        var events = CreateTestProbe();
        var conversation = Sys.ActorOf(ConversationActor.Props(key, recording, new ConversationSettings(), new EventStreamFactory()));
        conversation.Tell(new Subscribe(key, events));
        conversation.Tell(new Start(key, ChatRequests.To(displayName: "Actor Guest", queue: EmulatorDefaults.QueueName)));
        var started = ExpectMsg<Started>(Patience);
        events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active, Patience);
        conversation.Tell(new SendMessage(key, "hello"));
        ExpectMsg<MessageAccepted>(Patience);
        conversation.Tell(new SendMessage(key, new string('x', 4001)));
        ExpectMsg<CommandRejected>(Patience);
        await _control.PostAsync($"/emulator/conversations/{started.ConversationId}/sockets/drop", null);
        events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active, Patience);
        conversation.Tell(new End(key));
        events.FishForMessage<Ended>(_ => true, Patience);

        var jwt = Assert.Single(recording.IssuedJwts);
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, line => line.Contains(jwt, StringComparison.Ordinal) || line.Contains(jwt.Split('.')[2], StringComparison.Ordinal));
    }

    private sealed class LogCollector : ReceiveActor
    {
        public LogCollector(System.Collections.Concurrent.ConcurrentQueue<string> logs) =>
            Receive<Akka.Event.LogEvent>(e => logs.Enqueue(e.ToString()));
    }

    private (ConversationKey Key, IActorRef Conversation, TestProbe Events) StartConversation(string queue, ConversationSettings? settings = null)
    {
        var key = new ConversationKey($"chat-{Guid.NewGuid():N}");
        var events = CreateTestProbe();
        var conversation = Sys.ActorOf(ConversationActor.Props(key, _client, settings ?? new ConversationSettings(), new EventStreamFactory()));
        conversation.Tell(new Subscribe(key, events));
        conversation.Tell(new Start(key, ChatRequests.To(displayName: "Actor Guest", queue: queue)));
        return (key, conversation, events);
    }
}
