using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Tests.Support;
using GuestChat.Client;
using GuestChat.Client.Errors;
using GuestChat.Client.Events;
using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.EventStreams.EventStreamEvents;

namespace GuestChat.Actors.Tests.Conversations;

/// <summary>One conversation on virtual time, with a fake API and a probe in place of its socket child.</summary>
public sealed class ConversationActorSpecs : TestKit
{
    private const string Me = FakeGuestChatClient.MemberId;
    private const string Agent = "agent-1";
    private static readonly ConversationKey Key = new("spec");
    private static readonly ConversationSettings Settings = new()
    {
        HeartbeatInterval = TimeSpan.FromSeconds(30),
        ReconnectBaseDelay = TimeSpan.FromSeconds(1),
        ReconnectMaxDelay = TimeSpan.FromSeconds(8),
        ReconnectWindow = TimeSpan.FromSeconds(100),
        JwtExpiryWarning = TimeSpan.FromMinutes(10),
    };

    private readonly FakeGuestChatClient _api;
    private readonly ProbeStreamFactory _streams;
    private readonly TestProbe _events;

    public ConversationActorSpecs()
        : base(@"akka.scheduler.implementation = ""Akka.TestKit.TestScheduler, Akka.TestKit""")
    {
        _api = new FakeGuestChatClient(() => Scheduler.Now);
        _api.Members[Agent] = new WebChatMemberInfo { Id = Agent, Role = MemberRole.Agent, DisplayName = "Alice", State = MemberState.Connected };
        _streams = new ProbeStreamFactory(() => CreateTestProbe());
        _events = CreateTestProbe();
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void It_moves_from_creating_through_connecting_and_queued_to_active()
    {
        var conversation = Begin();
        Assert.Equal([ConversationState.Creating, ConversationState.Connecting], States(2));

        conversation.Tell(Frame(1, new MemberChangeEvent("conv-1", Me, MemberState.Connected, Scheduler.Now, null)));
        Assert.Equal(ConversationState.Queued, _events.FishForMessage<StateChanged>(_ => true).State);
        conversation.Tell(Frame(1, new MemberChangeEvent("conv-1", Agent, MemberState.Connected, Scheduler.Now, null)));
        var agent = _events.FishForMessage<MemberChanged>(_ => true).Member;
        Assert.Equal(("Alice", MemberRole.Agent), (agent.DisplayName, agent.Role));
        Assert.Equal(ConversationState.Active, _events.FishForMessage<StateChanged>(_ => true).State);
    }

    [Fact]
    public void A_second_start_of_a_live_conversation_is_refused_at_once_and_opens_no_second_chat()
    {
        var conversation = Attached();

        conversation.Tell(new Start(Key, new CreateWebChatConversationRequest { MemberInfo = new GuestMemberInfo { DisplayName = "Spec Guest" } }));

        var refused = ExpectMsg<CommandRejected>();
        Assert.Equal(RejectionKind.AlreadyExists, refused.Kind);
        Assert.Contains("already exists (Active)", refused.Reason, StringComparison.Ordinal);
        Assert.Single(_api.Calls, c => c.StartsWith("create", StringComparison.Ordinal));
    }

    [Fact]
    public void A_subscriber_that_stops_is_dropped_and_told_nothing_more()
    {
        var conversation = Attached();
        var leaving = CreateTestProbe();
        conversation.Tell(new Subscribe(Key, leaving));
        leaving.ExpectMsg<StateChanged>();
        Assert.Equal(2, StatusOf(conversation).Subscribers);

        Sys.Stop(leaving.Ref);

        AwaitCondition(() => StatusOf(conversation).Subscribers == 1);
        conversation.Tell(Frame(1, new MessageEvent("conv-1", "m-9", Agent, "still here", BodyType.Standard, Scheduler.Now, null)));
        Assert.Equal("m-9", _events.FishForMessage<MessageReceived>(_ => true).MessageId);
    }

    [Fact]
    public void Silence_for_two_and_a_half_heartbeats_kills_the_socket_and_a_new_one_is_opened_after_a_backoff()
    {
        var conversation = Attached();
        var first = _streams.Opened[1];
        Watch(first.Ref);

        Scheduler.Advance(TimeSpan.FromSeconds(74));
        _events.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Scheduler.Advance(TimeSpan.FromSeconds(2));

        ExpectTerminated(first.Ref);
        var reconnecting = _events.FishForMessage<Reconnecting>(_ => true);
        Assert.InRange(reconnecting.Delay, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        Scheduler.Advance(reconnecting.Delay);
        AwaitCondition(() => _streams.Opened.ContainsKey(2));

        conversation.Tell(new Opened(2));
        AwaitCondition(() => _api.Calls.Contains("messages after= descending=False"));
        Assert.Equal(ConversationState.Active, _events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active).State);
    }

    [Fact]
    public void A_frame_restarts_the_silence_clock_so_the_socket_dies_two_and_a_half_heartbeats_after_the_last_one()
    {
        var conversation = Attached();
        var first = _streams.Opened[1];
        Watch(first.Ref);

        Scheduler.Advance(TimeSpan.FromSeconds(60));
        conversation.Tell(Frame(1, HeartbeatEvent.Instance));
        StatusOf(conversation); // the frame is taken before the clock moves on
        Scheduler.Advance(TimeSpan.FromSeconds(74));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        Scheduler.Advance(TimeSpan.FromSeconds(2));
        ExpectTerminated(first.Ref);
        Assert.False(_streams.Opened.ContainsKey(2));
    }

    [Fact]
    public void Reconnect_delays_grow_with_jitter_and_the_chat_is_abandoned_when_the_window_closes()
    {
        var conversation = Attached();
        conversation.Tell(new Closed(1, CloseReason.Lost, null, "drop"));
        var delays = new List<TimeSpan>();
        for (var incarnation = 2; ; incarnation++)
        {
            var next = _events.FishForMessage<object>(m => m is Reconnecting or Ended);
            if (next is Ended ended)
            {
                Assert.Equal(ConversationEndReason.Abandoned, ended.Reason);
                break;
            }

            var delay = ((Reconnecting)next).Delay;
            delays.Add(delay);
            Scheduler.Advance(delay);
            var attempt = incarnation;
            AwaitCondition(() => _streams.Opened.ContainsKey(attempt) || StateOf(conversation) == ConversationState.Ended);
            if (_streams.Opened.ContainsKey(attempt))
            {
                conversation.Tell(new Closed(attempt, CloseReason.ConnectFailed, null, "refused"));
            }
        }

        Assert.True(delays[1] > TimeSpan.FromSeconds(0.9) && delays[2] > TimeSpan.FromSeconds(1.9), string.Join(", ", delays));
        Assert.All(delays, d => Assert.True(d <= Settings.ReconnectMaxDelay));
        Assert.InRange(delays.Aggregate(TimeSpan.Zero, (a, b) => a + b), Settings.ReconnectWindow, Settings.ReconnectWindow + Settings.ReconnectMaxDelay);
    }

    [Fact]
    public void Typing_is_sent_at_most_once_per_three_seconds_and_extra_requests_collapse_into_one()
    {
        var conversation = Attached();
        for (var i = 0; i < 5; i++)
        {
            conversation.Tell(new SendTyping(Key));
        }

        AwaitCondition(() => _api.Calls.Count(c => c == "typing") == 1);
        Scheduler.Advance(TimeSpan.FromSeconds(2.9));
        Assert.Equal(1, _api.Calls.Count(c => c == "typing"));
        Scheduler.Advance(TimeSpan.FromSeconds(0.2));
        AwaitCondition(() => _api.Calls.Count(c => c == "typing") == 2);
        Scheduler.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, _api.Calls.Count(c => c == "typing"));
    }

    [Fact]
    public void Agent_typing_is_reported_with_an_expiry_of_about_four_seconds()
    {
        var conversation = Attached();
        var now = Scheduler.Now;
        conversation.Tell(Frame(1, new TypingEvent("conv-1", "t-1", Agent, now, null)));
        var typing = _events.FishForMessage<Typing>(_ => true);
        Assert.Equal(Agent, typing.Member.Id);
        Assert.Equal(now + TimeSpan.FromSeconds(4), typing.ExpiresAt);

        conversation.Tell(Frame(1, new TypingEvent("conv-1", "t-2", Me, now, null)));
        _events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void The_subscriber_is_warned_before_the_jwt_expires_and_the_chat_ends_when_it_does()
    {
        _api.JwtLifetime = TimeSpan.FromHours(1);
        Attached(Settings with { HeartbeatInterval = TimeSpan.FromDays(1) });

        Scheduler.Advance(TimeSpan.FromMinutes(49));
        _events.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Scheduler.Advance(TimeSpan.FromMinutes(1.1));
        _events.FishForMessage<JwtExpiring>(_ => true);
        Scheduler.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(ConversationEndReason.JwtExpired, _events.FishForMessage<Ended>(_ => true).Reason);
    }

    [Fact]
    public void An_agent_leaving_while_the_guest_stays_is_a_transfer_back_to_queued_then_active_with_the_next_agent()
    {
        var conversation = Attached();
        _api.Members["agent-2"] = new WebChatMemberInfo { Id = "agent-2", Role = MemberRole.Agent, DisplayName = "Bob", State = MemberState.Alerting };

        conversation.Tell(Frame(1, new MemberChangeEvent("conv-1", Agent, MemberState.Disconnected, Scheduler.Now, null)));
        Assert.Equal(MemberState.Disconnected, _events.FishForMessage<MemberChanged>(_ => true).Member.State);
        Assert.Equal(ConversationState.Queued, _events.FishForMessage<StateChanged>(_ => true).State);
        conversation.Tell(Frame(1, new MemberChangeEvent("conv-1", "agent-2", MemberState.Alerting, Scheduler.Now, null)));
        conversation.Tell(Frame(1, new MemberChangeEvent("conv-1", "agent-2", MemberState.Connected, Scheduler.Now, null)));
        Assert.Equal("Bob", _events.FishForMessage<MemberChanged>(m => m.Member.State == MemberState.Connected).Member.DisplayName);
        Assert.Equal(ConversationState.Active, _events.FishForMessage<StateChanged>(_ => true).State);
    }

    [Fact]
    public void The_guest_disconnected_by_the_other_side_ends_the_chat_once_as_agent_ended()
    {
        var conversation = Attached();
        conversation.Tell(Frame(1, new MemberChangeEvent("conv-1", Me, MemberState.Disconnected, Scheduler.Now, null)));
        conversation.Tell(Frame(1, new MemberChangeEvent("conv-1", Me, MemberState.Disconnected, Scheduler.Now, null)));

        _events.FishForMessage<StateChanged>(s => s.State == ConversationState.Ended);
        Assert.Equal(ConversationEndReason.AgentEnded, _events.ExpectMsg<Ended>().Reason);
        _events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        conversation.Tell(new SendMessage(Key, "hello?"));
        var late = ExpectMsg<CommandRejected>();
        Assert.Equal(RejectionKind.Ended, late.Kind);
        Assert.Contains("ended", late.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ended_conversation_stays_readable_for_its_retention_and_then_stops()
    {
        var conversation = Attached();
        Watch(conversation);
        conversation.Tell(Frame(1, new MemberChangeEvent("conv-1", Me, MemberState.Disconnected, Scheduler.Now, null)));
        _events.FishForMessage<Ended>(_ => true);

        Scheduler.Advance(Settings.EndedRetention - TimeSpan.FromSeconds(1));
        Assert.Equal(ConversationState.Ended, StateOf(conversation));
        Scheduler.Advance(TimeSpan.FromSeconds(1));

        ExpectTerminated(conversation);
    }

    [Fact]
    public void Messages_are_delivered_once_and_own_echoes_heartbeats_and_join_messages_are_not()
    {
        var conversation = Attached();
        var at = Scheduler.Now;
        var agentMessage = new MessageEvent("conv-1", "m-1", Agent, "hi", BodyType.Standard, at, null);
        conversation.Tell(Frame(1, agentMessage));
        conversation.Tell(Frame(1, agentMessage));
        conversation.Tell(Frame(1, new MessageEvent("conv-1", "m-2", Me, "mine", BodyType.Standard, at, null)));
        conversation.Tell(Frame(1, new MessageEvent("conv-1", "m-3", Agent, "", BodyType.MemberJoin, at, null)));
        conversation.Tell(Frame(1, HeartbeatEvent.Instance));
        conversation.Tell(Frame(1, new UnparseableFrame("garbage")));

        Assert.Equal("m-1", _events.FishForMessage<MessageReceived>(_ => true).MessageId);
        _events.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_send_whose_outcome_is_unknown_but_which_reached_the_transcript_is_accepted_without_sending_again()
    {
        var conversation = Attached();
        _api.SendOverride = request =>
        {
            _api.Post(Me, request.Body!);
            return GuestChatResult<WebChatMessage>.Failure(FakeGuestChatClient.Error(FailureKind.OutcomeUnknown, 504, ErrorCodes.RequestTimeout));
        };

        conversation.Tell(new SendMessage(Key, "once only", ClientMessageId: "c-9"));

        Assert.Equal("c-9", ExpectMsg<MessageAccepted>().ClientMessageId);
        Assert.Equal(1, _api.Calls.Count(c => c == "send once only"));
        Assert.Single(_api.Transcript, m => m.Body == "once only");
    }

    [Fact]
    public void A_send_whose_outcome_is_unknown_and_which_is_not_in_the_transcript_is_sent_again()
    {
        var conversation = Attached();
        var failures = 1;
        _api.SendOverride = _ => failures-- > 0
            ? GuestChatResult<WebChatMessage>.Failure(FakeGuestChatClient.Error(FailureKind.OutcomeUnknown, 503, ErrorCodes.ServiceUnavailable))
            : null;

        conversation.Tell(new SendMessage(Key, "try again"));

        ExpectMsg<MessageAccepted>();
        Assert.Equal(2, _api.Calls.Count(c => c == "send try again"));
        Assert.Single(_api.Transcript, m => m.Body == "try again");
    }

    [Fact]
    public void A_final_refusal_of_a_send_is_a_rejection_with_the_genesys_error()
    {
        var conversation = Attached();
        _api.SendOverride = _ => GuestChatResult<WebChatMessage>.Failure(FakeGuestChatClient.Error(FailureKind.Final, 400, ErrorCodes.ConstraintValidation));

        conversation.Tell(new SendMessage(Key, "too long"));

        Assert.Equal(ErrorCodes.ConstraintValidation, ExpectMsg<CommandRejected>().Error!.Code);
    }

    [Fact]
    public void Media_requests_are_reported_and_declined_by_command_and_the_command_is_answered()
    {
        var conversation = Attached();
        _api.MediaRequests["mr-1"] = MediaRequestState.Pending;
        conversation.Tell(Frame(1, new MessageEvent("conv-1", "m-7", Agent, "mr-1", BodyType.MediaRequest, Scheduler.Now, null)));
        Assert.Equal("mr-1", _events.FishForMessage<MediaRequested>(_ => true).Request.Id);

        conversation.Tell(new AnswerMediaRequest(Key, "mr-1", MediaRequestDecision.Decline));

        Assert.Equal(new AnswerMediaRequest(Key, "mr-1", MediaRequestDecision.Decline), ExpectMsg<CommandAccepted>().Command);
        Assert.Contains("media mr-1 Declined", _api.Calls);
    }

    [Fact]
    public void Answering_a_media_request_the_chat_never_had_is_not_found_and_one_already_answered_is_a_conflict()
    {
        var conversation = Attached();
        conversation.Tell(new AnswerMediaRequest(Key, "xyz", MediaRequestDecision.Accept));
        var missing = ExpectMsg<CommandRejected>();
        Assert.Equal((RejectionKind.NotFound, "mediaRequestId"), (missing.Kind, missing.Field));

        _api.MediaRequests["mr-2"] = MediaRequestState.Pending;
        conversation.Tell(Frame(1, new MessageEvent("conv-1", "m-8", Agent, "mr-2", BodyType.MediaRequest, Scheduler.Now, null)));
        _events.FishForMessage<MediaRequested>(_ => true);
        conversation.Tell(new AnswerMediaRequest(Key, "mr-2", MediaRequestDecision.Accept));
        ExpectMsg<CommandAccepted>();
        conversation.Tell(new AnswerMediaRequest(Key, "mr-2", MediaRequestDecision.Decline));

        var twice = ExpectMsg<CommandRejected>();
        Assert.Equal((RejectionKind.Conflict, "mediaRequestId"), (twice.Kind, twice.Field));
        Assert.Contains("Accepted", twice.Reason, StringComparison.Ordinal);
        Assert.Single(_api.Calls, c => c.StartsWith("media mr-2", StringComparison.Ordinal));
    }

    [Fact]
    public void A_command_that_breaks_its_rules_is_rejected_naming_the_field_in_any_state_and_nothing_is_sent()
    {
        var conversation = Sys.ActorOf(ConversationActor.Props(Key, _api, Settings, _streams));

        conversation.Tell(new SendMessage(Key, new string('x', MaxBodyLength + 1)));
        var tooLong = ExpectMsg<CommandRejected>();
        Assert.Equal((RejectionKind.Invalid, "body"), (tooLong.Kind, tooLong.Field));
        Assert.Contains("4001 characters; the limit is 4000", tooLong.Reason, StringComparison.Ordinal);
        conversation.Tell(new SendMessage(Key, "   "));
        Assert.Equal((RejectionKind.Missing, "body"), ExpectMsg<CommandRejected>() is var blank ? (blank.Kind, blank.Field) : default);
        conversation.Tell(new AnswerMediaRequest(Key, "mr-1", MediaRequestDecision.Ask));
        Assert.Equal("decision", ExpectMsg<CommandRejected>().Field);
        Assert.Empty(_api.Calls);
    }

    [Fact]
    public void Typing_is_answered_when_taken_even_when_the_throttle_holds_it_back()
    {
        var conversation = Attached();
        conversation.Tell(new SendTyping(Key));
        conversation.Tell(new SendTyping(Key));

        ExpectMsg<CommandAccepted>();
        ExpectMsg<CommandAccepted>();
        Assert.Single(_api.Calls, c => c.StartsWith("typing", StringComparison.Ordinal));
    }

    [Fact]
    public void A_backfill_that_genesys_asks_to_repeat_keeps_the_socket_and_delivers_the_gap_once()
    {
        var conversation = Attached();
        conversation.Tell(new Closed(1, CloseReason.Lost, null, "drop"));
        Scheduler.Advance(_events.FishForMessage<Reconnecting>(_ => true).Delay);
        AwaitCondition(() => _streams.Opened.ContainsKey(2));
        _api.Post(Agent, "said while away");
        var busy = 2;
        _api.MessagesOverride = _ => busy-- > 0 ? GuestChatResult<WebChatMessageEntityList>.Failure(FakeGuestChatClient.Error(FailureKind.RetryAfter, 429, ErrorCodes.TooManyRequests)) : null;
        var second = _streams.Opened[2];
        Watch(second.Ref);

        conversation.Tell(new Opened(2));

        // The retry timer is set when the 429 is seen, which the spec cannot observe: move virtual time on
        // in small steps until each repeat has been asked for.
        int Backfills() => _api.Calls.Count(c => c.StartsWith("messages after", StringComparison.Ordinal));
        AwaitCondition(() => Backfills() == 1);
        AwaitCondition(() => { Scheduler.Advance(TimeSpan.FromSeconds(1)); return Backfills() == 2; });
        AwaitCondition(() => { Scheduler.Advance(TimeSpan.FromSeconds(1)); return Backfills() == 3; });

        Assert.Equal("said while away", _events.FishForMessage<MessageReceived>(_ => true).Body);
        Assert.Equal(ConversationState.Active, _events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active).State);
        Assert.False(_streams.Opened.ContainsKey(3), "a new socket was opened although the one in hand was fine");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(3, _api.Calls.Count(c => c.StartsWith("messages after", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_agent_message_lost_in_a_drop_is_backfilled_although_the_guests_own_send_was_accepted_after_it()
    {
        var conversation = Attached();
        _api.Post(Agent, "on its way when the socket died");
        conversation.Tell(new SendMessage(Key, "mine"));
        ExpectMsg<MessageAccepted>();

        conversation.Tell(new Closed(1, CloseReason.Lost, null, "drop"));
        Scheduler.Advance(_events.FishForMessage<Reconnecting>(_ => true).Delay);
        AwaitCondition(() => _streams.Opened.ContainsKey(2));
        conversation.Tell(new Opened(2));

        Assert.Equal("on its way when the socket died", _events.FishForMessage<MessageReceived>(_ => true).Body);
    }

    [Fact]
    public void An_agent_who_answered_while_the_socket_was_away_makes_the_chat_active_after_the_reconnect()
    {
        // Queued: the agent is alerting when the socket drops, and answers before the next one is attached.
        _api.Members[Agent] = _api.Members[Agent] with { State = MemberState.Alerting };
        var conversation = Begin();
        conversation.Tell(Frame(1, new MemberChangeEvent("conv-1", Me, MemberState.Connected, Scheduler.Now, null)));
        conversation.Tell(Frame(1, new MemberChangeEvent("conv-1", Agent, MemberState.Alerting, Scheduler.Now, null)));
        _events.FishForMessage<StateChanged>(s => s.State == ConversationState.Queued);
        conversation.Tell(new Closed(1, CloseReason.Lost, null, "drop"));
        Scheduler.Advance(_events.FishForMessage<Reconnecting>(_ => true).Delay);
        AwaitCondition(() => _streams.Opened.ContainsKey(2));
        _api.Members[Agent] = _api.Members[Agent] with { State = MemberState.Connected };

        conversation.Tell(new Opened(2));

        // No frame tells it (member changes are not messages, so no backfill brings them): the members are asked.
        // (The agent's alerting, told once its name was looked up, may come in before or after the chat is
        // queued, so the fish looks for the answer itself; it fails if none comes.)
        _events.FishForMessage<MemberChanged>(m => m.Member.Id == Agent && m.Member.State == MemberState.Connected);
        _events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active);
        Assert.Equal(ConversationState.Active, StateOf(conversation));
    }

    [Fact]
    public void An_agent_who_left_while_the_socket_was_away_is_told_as_gone_and_the_next_one_as_joined()
    {
        var conversation = Attached();
        conversation.Tell(new Closed(1, CloseReason.Lost, null, "drop"));
        Scheduler.Advance(_events.FishForMessage<Reconnecting>(_ => true).Delay);
        AwaitCondition(() => _streams.Opened.ContainsKey(2));
        // Genesys lists the members still connected: Alice is gone, Bob answered.
        _api.Members.Remove(Agent);
        _api.Members["agent-2"] = new WebChatMemberInfo { Id = "agent-2", Role = MemberRole.Agent, DisplayName = "Bob", State = MemberState.Connected };

        conversation.Tell(new Opened(2));

        var joined = _events.FishForMessage<MemberChanged>(m => m.Member.Id == "agent-2");
        var left = _events.FishForMessage<MemberChanged>(m => m.Member.Id == Agent);
        Assert.Equal(("Bob", MemberState.Connected), (joined.Member.DisplayName, joined.Member.State));
        Assert.Equal(MemberState.Disconnected, left.Member.State);
        Assert.Equal(ConversationState.Active, StateOf(conversation));
    }

    [Fact]
    public void A_chat_genesys_no_longer_knows_ends_at_once_instead_of_reconnecting_until_the_window_closes()
    {
        var conversation = Attached();
        _api.Members.Remove(Me);

        conversation.Tell(new Closed(1, CloseReason.ClosedByServer, null, "closed"));

        var ended = _events.FishForMessage<Ended>(_ => true);
        Assert.Equal(ConversationEndReason.Failed, ended.Reason);
        Assert.Equal(404, ended.Error!.Status);
    }

    [Fact]
    public void A_send_repeated_with_its_client_message_id_is_answered_as_the_first_and_posted_once()
    {
        var conversation = Attached();
        conversation.Tell(new SendMessage(Key, "once", ClientMessageId: "c-1"));
        conversation.Tell(new SendMessage(Key, "once", ClientMessageId: "c-1"));
        var first = ExpectMsg<MessageAccepted>();
        var second = ExpectMsg<MessageAccepted>();

        conversation.Tell(new SendMessage(Key, "once", ClientMessageId: "c-1"));
        var third = ExpectMsg<MessageAccepted>();

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(first.MessageId, third.MessageId);
        Assert.Single(_api.Calls, c => c == "send once");
    }

    private IActorRef Begin(ConversationSettings? settings = null)
    {
        var conversation = Sys.ActorOf(ConversationActor.Props(Key, _api, settings ?? Settings, _streams));
        conversation.Tell(new Subscribe(Key, _events));
        _events.ExpectMsg<StateChanged>(s => s.State == ConversationState.New);
        conversation.Tell(new Start(Key, new CreateWebChatConversationRequest { MemberInfo = new GuestMemberInfo { DisplayName = "Spec Guest" } }));
        ExpectMsg<Started>();
        AwaitCondition(() => _streams.Opened.ContainsKey(1));
        conversation.Tell(new Opened(1));
        return conversation;
    }

    private IActorRef Attached(ConversationSettings? settings = null)
    {
        var conversation = Begin(settings);
        conversation.Tell(Frame(1, new MemberChangeEvent("conv-1", Me, MemberState.Connected, Scheduler.Now, null)));
        conversation.Tell(Frame(1, new MemberChangeEvent("conv-1", Agent, MemberState.Connected, Scheduler.Now, null)));
        _events.FishForMessage<StateChanged>(s => s.State == ConversationState.Active);
        return conversation;
    }

    private static ConversationState StateOf(IActorRef conversation) => StatusOf(conversation).State;

    private static ConversationQueries.Status StatusOf(IActorRef conversation) =>
        conversation.Ask<ConversationQueries.Status>(new ConversationQueries.GetStatus(Key), TimeSpan.FromSeconds(3)).Result;

    private ConversationState[] States(int count) =>
        Enumerable.Range(0, count).Select(_ => _events.FishForMessage<StateChanged>(_ => true).State).ToArray();

    private static FrameReceived Frame(int incarnation, StreamEvent streamEvent) => new(incarnation, streamEvent);
}
