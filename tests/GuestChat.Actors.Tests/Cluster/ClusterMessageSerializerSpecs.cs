using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using GuestChat.Actors.Cluster;
using GuestChat.Actors.Conversations;
using GuestChat.Client.Errors;
using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.Conversations.ConversationQueries;

namespace GuestChat.Actors.Tests.Cluster;

/// <summary>The messages between the nodes of a cluster: every one reaches the other node whole, and nothing else is taken for one.</summary>
public sealed class ClusterMessageSerializerSpecs : TestKit
{
    private static readonly ConversationKey Key = new("order-4711");
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, 123, TimeSpan.Zero);
    private static readonly Member Agent = new("agent-1", MemberRole.Agent, "Alice", MemberState.Connected);
    private static readonly GuestChatError Refusal = new()
    {
        Operation = "postWebchatGuestConversationMemberMessages",
        Kind = FailureKind.Final,
        Status = 400,
        Code = "constraint.validation",
        Message = "body is too long",
        MessageParams = new Dictionary<string, string> { ["field"] = "body" },
        RetryAfter = TimeSpan.FromSeconds(2),
        Field = "body",
    };

    /// <summary>One of every message the nodes exchange, each as a sender would make it (collection expressions included).</summary>
    private IEnumerable<object> Samples()
    {
        var send = new SendMessage(Key, "Where is my parcel?", BodyType.Standard, "c-7");
        yield return new Start(Key, new CreateWebChatConversationRequest
        {
            OrganizationId = "org",
            DeploymentId = "dep",
            RoutingTarget = new WebChatRoutingTarget { TargetType = RoutingTargetType.Queue, TargetAddress = "Chat Queue" },
            MemberInfo = new GuestMemberInfo { DisplayName = "Jo", CustomFields = new Dictionary<string, string> { ["order"] = "4711" } },
        });
        yield return send;
        yield return new SendTyping(Key);
        yield return new AnswerMediaRequest(Key, "mr-1", MediaRequestDecision.Accept);
        yield return new End(Key);
        yield return new Subscribe(Key, TestActor);
        yield return new Unsubscribe(Key, TestActor);
        yield return StopConversation.Instance;
        yield return new SubscribeAll(TestActor, HereOnly: true);
        yield return new UnsubscribeAll(TestActor);
        yield return Agent;
        yield return new Started(Key, "c-1", "m-1");
        yield return new StateChanged(Key, ConversationState.Active);
        yield return new MemberChanged(Key, Agent);
        yield return new MessageReceived(Key, "msg-1", Agent, "Hello", BodyType.Standard, T0, 3);
        yield return new Typing(Key, Agent, T0);
        yield return new MediaRequested(Key, new WebChatGuestMediaRequest { Id = "mr-1", Name = "screen", Types = [MediaType.Screenshare], State = MediaRequestState.Pending });
        yield return new MessageAccepted(Key, "c-7", "msg-2", T0);
        yield return new CommandAccepted(Key, new SendTyping(Key));
        yield return new CommandRejected(Key, send, "Genesys refused the message", Refusal, RejectionKind.Invalid, "body");
        yield return new Reconnecting(Key, 2, TimeSpan.FromMilliseconds(750));
        yield return new JwtExpiring(Key, T0);
        yield return new SubscriptionLost(Key);
        yield return new Ended(Key, ConversationEndReason.AgentEnded, Refusal);
        yield return new GetStatus(Key);
        yield return new ConversationQueries.Status(Key, ConversationState.Active, "c-1", "m-1", [Agent], null, null, 2);
        yield return new GetMessagesSince(Key, 3);
        yield return new MessagesSince(Key, [new MessageReceived(Key, "msg-1", Agent, "Hello", BodyType.Standard, T0, 3)], 5);
        yield return new GetTranscript(Key);
        yield return new Transcript(Key, [new TranscriptLine("msg-1", "agent-1", MemberRole.Agent, "Hello", BodyType.Standard, T0)]);
        yield return new TranscriptLine("msg-1", "agent-1", MemberRole.Agent, "Hello", BodyType.Standard, T0);
        yield return new ListConversations();
        yield return new ConversationList([new ConversationSummary(Key, ConversationState.Ended, ConversationEndReason.GuestLeft)]);
        yield return new ConversationSummary(Key, ConversationState.Active, null);
        yield return new ConversationDirectory.Published(new MessageReceived(Key, "msg-1", Agent, "Hello", BodyType.Standard, T0, 3));
        yield return ConversationDirectory.ListHere.Instance;
        yield return ConversationDirectory.ListParts.Instance;
        yield return new ConversationDirectory.ListPart([new ConversationSummary(Key, ConversationState.Queued, null)], Last: true);
        yield return GuestChat.Actors.Persistence.JournalCursor.GetPosition.Instance;
        yield return new GuestChat.Actors.Persistence.JournalCursor.Move(4711);
    }

    [Fact]
    public void Every_message_between_nodes_arrives_whole()
    {
        var serializer = new ClusterMessageSerializer((ExtendedActorSystem)Sys);
        var samples = Samples().ToList();
        foreach (var message in samples)
        {
            var bytes = serializer.ToBinary(message);
            var back = serializer.FromBinary(bytes, serializer.Manifest(message));

            Assert.IsType(message.GetType(), back);
            // Written again, the message read back gives the same bytes: nothing was lost or changed on the way.
            Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(serializer.ToBinary(back)));
        }

        // A message added later without a sample here would go untested: every message type has one.
        Assert.Empty(ClusterMessageSerializer.Messages.Values.Except(samples.Select(s => s.GetType())));
    }

    [Fact]
    public void The_parts_known_only_at_run_time_keep_their_type_and_actor_references_resolve()
    {
        var serializer = new ClusterMessageSerializer((ExtendedActorSystem)Sys);
        var rejected = new CommandRejected(Key, new SendMessage(Key, "Hi", BodyType.Standard, "c-1"), "no", Kind: RejectionKind.Ended);

        var back = (CommandRejected)serializer.FromBinary(serializer.ToBinary(rejected), serializer.Manifest(rejected));
        var subscribe = (Subscribe)serializer.FromBinary(serializer.ToBinary(new Subscribe(Key, TestActor)), "ConversationCommands.Subscribe");

        Assert.Equal(rejected.Command, back.Command);
        Assert.Equal(RejectionKind.Ended, back.Kind);
        Assert.Equal(TestActor, subscribe.Subscriber);
    }

    [Fact]
    public void Anything_else_is_refused_by_name_never_guessed()
    {
        var serializer = new ClusterMessageSerializer((ExtendedActorSystem)Sys);

        var unknown = Assert.Throws<SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "ConversationCommands.Teleport"));
        var notOurs = Assert.Throws<SerializationException>(() => serializer.Manifest(new object()));

        Assert.Contains("ConversationCommands.Teleport", unknown.Message);
        Assert.Contains("System.Object", notOurs.Message);
    }
}
