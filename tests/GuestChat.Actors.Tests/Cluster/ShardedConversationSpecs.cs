using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Tests.Support;
using GuestChat.Client.Events;
using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.EventStreams.EventStreamEvents;

namespace GuestChat.Actors.Tests.Cluster;

/// <summary>
/// A conversation as a cluster's shard runs it (its parent a probe in the shard's place), on virtual time:
/// it tells its node's directory, asks its shard to stop it rather than stopping itself, answers for a chat
/// it never had as unknown, and a hand-off stops it without leaving the chat.
/// </summary>
public sealed class ShardedConversationSpecs : TestKit
{
    private const string Me = FakeGuestChatClient.MemberId;
    private const string Agent = "agent-1";
    private static readonly ConversationKey Key = new("sharded");
    private static readonly ConversationSettings Settings = new() { EndedRetention = TimeSpan.FromMinutes(10) };
    private readonly FakeGuestChatClient _api;
    private readonly ProbeStreamFactory _streams;
    private readonly TestProbe _shard;
    private readonly TestProbe _directory;
    private readonly ConversationCapacity _capacity = new(2);

    public ShardedConversationSpecs()
        : base(@"akka.scheduler.implementation = ""Akka.TestKit.TestScheduler, Akka.TestKit""")
    {
        _api = new FakeGuestChatClient(() => Scheduler.Now);
        _api.Members[Agent] = new WebChatMemberInfo { Id = Agent, Role = MemberRole.Agent, DisplayName = "Alice", State = MemberState.Connected };
        _streams = new ProbeStreamFactory(() => CreateTestProbe());
        _shard = CreateTestProbe();
        _directory = CreateTestProbe();
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void A_message_for_a_chat_it_never_had_is_answered_unknown_and_it_asks_to_be_stopped_when_unclaimed()
    {
        var conversation = Entity();

        conversation.Tell(new ConversationQueries.GetStatus(Key));

        Assert.Equal(RejectionKind.UnknownKey, ExpectMsg<CommandRejected>().Kind);
        Scheduler.Advance(TimeSpan.FromSeconds(5));
        var passivate = _shard.ExpectMsg<Passivate>();
        Assert.IsType<StopConversation>(passivate.StopMessage);
        Assert.Equal(0, _capacity.Held);
    }

    [Fact]
    public void It_tells_its_node_s_directory_and_holds_a_place_until_it_stops()
    {
        var conversation = Attached();

        _directory.FishForMessage<StateChanged>(s => s.State == ConversationState.Active);
        Assert.Equal(1, _capacity.Held);
        Watch(conversation);
        conversation.Tell(StopConversation.Instance);
        ExpectTerminated(conversation);
        AwaitCondition(() => _capacity.Held == 0);
    }

    [Fact]
    public void A_hand_off_closes_the_socket_and_leaves_the_guest_in_the_chat()
    {
        var conversation = Attached();
        Watch(conversation);

        conversation.Tell(StopConversation.Instance);

        ExpectTerminated(conversation);
        Assert.DoesNotContain("leave", _api.Calls);
        // Nobody is told the chat ended: it goes on, elsewhere.
        var told = _directory.ReceiveWhile<object>(TimeSpan.FromMilliseconds(200), m => m);
        Assert.DoesNotContain(told, m => m is Ended or StateChanged { State: ConversationState.Ended or ConversationState.Failed });
    }

    [Fact]
    public void A_start_beyond_the_node_s_capacity_is_refused_and_the_entity_asks_to_be_stopped()
    {
        _capacity.Take();
        _capacity.Take();
        var conversation = Entity();

        conversation.Tell(new Start(Key, new CreateWebChatConversationRequest { MemberInfo = new GuestMemberInfo { DisplayName = "Full" } }));

        Assert.Equal(RejectionKind.AtCapacity, ExpectMsg<CommandRejected>().Kind);
        _shard.ExpectMsg<Passivate>();
        Assert.DoesNotContain("create", _api.Calls);
    }

    [Fact]
    public void An_ended_chat_past_its_retention_asks_its_shard_to_stop_it_so_it_is_not_started_again()
    {
        var conversation = Attached();
        conversation.Tell(new FrameReceived(1, new MemberChangeEvent("conv-1", Me, MemberState.Disconnected, Scheduler.Now, null)));
        _directory.FishForMessage<Ended>(_ => true);

        Scheduler.Advance(Settings.EndedRetention);

        Assert.IsType<StopConversation>(_shard.ExpectMsg<Passivate>().StopMessage);
    }

    private IActorRef Entity() =>
        _shard.ChildActorOf(ConversationActor.Props(Key, _api, Settings, _streams, place: new ConversationPlace(_directory.Ref, _capacity, Sharded: true)));

    private IActorRef Attached()
    {
        var conversation = Entity();
        conversation.Tell(new Start(Key, new CreateWebChatConversationRequest { MemberInfo = new GuestMemberInfo { DisplayName = "Spec Guest" } }));
        ExpectMsg<Started>();
        AwaitCondition(() => _streams.Opened.ContainsKey(1));
        conversation.Tell(new Opened(1));
        conversation.Tell(new FrameReceived(1, new MemberChangeEvent("conv-1", Me, MemberState.Connected, Scheduler.Now, null)));
        conversation.Tell(new FrameReceived(1, new MemberChangeEvent("conv-1", Agent, MemberState.Connected, Scheduler.Now, null)));
        return conversation;
    }
}
