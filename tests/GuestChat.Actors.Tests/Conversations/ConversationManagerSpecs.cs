using Akka.Actor;
using Akka.TestKit.Xunit2;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Tests.Support;
using GuestChat.Client.Events;
using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.Conversations.ConversationQueries;
using static GuestChat.Actors.EventStreams.EventStreamEvents;

namespace GuestChat.Actors.Tests.Conversations;

/// <summary>The manager of a single node, with a fake API and probes in place of the sockets: who hears what, from whom.</summary>
public sealed class ConversationManagerSpecs : TestKit
{
    private const string Agent = "agent-1";
    private static readonly ConversationSettings Settings = new() { HeartbeatInterval = TimeSpan.FromSeconds(30) };

    [Fact]
    public void A_subscriber_to_every_chat_hears_each_one_straight_from_it_in_order_and_the_manager_still_knows_where_each_stands()
    {
        var api = new FakeGuestChatClient(() => Sys.Scheduler.Now);
        api.Members[Agent] = new WebChatMemberInfo { Id = Agent, Role = MemberRole.Agent, DisplayName = "Alice", State = MemberState.Connected };
        var streams = new ProbeStreamFactory(() => CreateTestProbe());
        var manager = Sys.ActorOf(ConversationManager.Props(api, Settings, streams), "conversations");
        var all = CreateTestProbe();
        manager.Tell(new SubscribeAll(all));
        var key = new ConversationKey("straight");

        manager.Tell(new Start(key, new CreateWebChatConversationRequest { MemberInfo = new GuestMemberInfo { DisplayName = "Spec Guest" } }));
        ExpectMsg<Started>();
        all.FishForMessage<Started>(_ => true);
        var conversation = all.LastSender;
        AwaitCondition(() => streams.Opened.ContainsKey(1));
        conversation.Tell(new Opened(1));
        conversation.Tell(new FrameReceived(1, new MemberChangeEvent(FakeGuestChatClient.ConversationId, FakeGuestChatClient.MemberId, MemberState.Connected, Sys.Scheduler.Now, null)));
        conversation.Tell(new FrameReceived(1, new MemberChangeEvent(FakeGuestChatClient.ConversationId, Agent, MemberState.Connected, Sys.Scheduler.Now, null)));

        // Told by the conversation itself (a child of the manager), not passed on by the manager.
        Assert.Equal(manager.Path / key.Value, conversation.Path);
        all.FishForMessage<StateChanged>(s => s.State == ConversationState.Active);
        Assert.Equal(conversation, all.LastSender);
        for (var n = 1; n <= 3; n++)
        {
            conversation.Tell(new FrameReceived(1, new MessageEvent(FakeGuestChatClient.ConversationId, $"m-{n}", Agent, $"reply {n}", BodyType.Standard, Sys.Scheduler.Now, null)));
        }
        var replies = Enumerable.Range(0, 3).Select(_ => all.FishForMessage<MessageReceived>(_ => true)).ToList();
        Assert.Equal(["m-1", "m-2", "m-3"], replies.Select(r => r.MessageId));
        Assert.Equal(conversation, all.LastSender);
        AwaitAssert(() => Assert.Equal(ConversationState.Active, manager.Ask<ConversationList>(new ListConversations(), TimeSpan.FromSeconds(3)).Result.Conversations.Single().State));

        // A conversation that stops unexpectedly cannot tell its end: the manager tells it, as a failure.
        Sys.Stop(conversation);
        Assert.Equal(ConversationEndReason.Failed, all.FishForMessage<Ended>(_ => true).Reason);
        Assert.Equal(manager, all.LastSender);

        // Once unsubscribed, a subscriber hears no other chat: by the time one still subscribed has heard the
        // later chat's second state, every event before it has been told to whoever was in the audience.
        manager.Tell(new UnsubscribeAll(all));
        var still = CreateTestProbe();
        manager.Tell(new SubscribeAll(still));
        manager.Tell(new Start(new ConversationKey("later"), new CreateWebChatConversationRequest { MemberInfo = new GuestMemberInfo { DisplayName = "Spec Guest" } }));
        ExpectMsg<Started>();
        still.FishForMessage<StateChanged>(s => s.State == ConversationState.Connecting);
        all.ExpectNoMsg(TimeSpan.Zero);
    }
}
