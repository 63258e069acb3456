using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Persistence;
using GuestChat.Client.Models;

namespace GuestChat.Actors.Tests.Persistence;

/// <summary>The journal's serializer: explicit manifests, the shapes as written, and no silent fallback.</summary>
public sealed class ConversationFactSerializerSpecs : TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, 123, TimeSpan.Zero);

    /// <summary>One of every fact, with the bytes this build writes for it: kept here as written, so a later build must still read them.</summary>
    public static TheoryData<string, string> WrittenShapes() => new()
    {
        { "chat-requested.v1", """{"request":{"organizationId":"org","deploymentId":"dep","routingTarget":{"targetType":"QUEUE","targetAddress":"Chat Queue"},"memberInfo":{"displayName":"Jo","customFields":{"order":"4711"}}},"at":"2026-11-25T12:00:00.123+00:00"}""" },
        { "chat-created.v1", """{"conversationId":"c-1","memberId":"m-1","protectedJwt":"v1.abc","eventStreamUri":"wss://streaming.example/chat/jwt/x","at":"2026-11-25T12:00:00.123+00:00"}""" },
        { "message-seen.v2", """{"messageId":"msg-1","senderId":"agent-1","senderRole":"AGENT","body":"Hello","bodyType":"standard","timestamp":"2026-11-25T12:00:00.123+00:00","told":true}""" },
        { "member-known.v1", """{"memberId":"agent-1","role":"AGENT","displayName":"Alice","state":"CONNECTED"}""" },
        { "send-intended.v1", """{"sendId":7,"body":"Where is my parcel?","bodyType":"standard","clientMessageId":"c-7","at":"2026-11-25T12:00:00.123+00:00"}""" },
        { "send-accepted.v1", """{"sendId":7,"messageId":"msg-2","timestamp":"2026-11-25T12:00:00.123+00:00"}""" },
        { "send-given-up.v1", """{"sendId":7,"reason":"constraint.validation"}""" },
        { "media-request-known.v1", """{"mediaRequestId":"mr-1","state":"ACCEPTED"}""" },
        { "chat-ended.v1", """{"reason":"AgentEnded","at":"2026-11-25T12:00:00.123+00:00"}""" },
        { "conversation-opened.v1", """{"key":"order-4711","at":"2026-11-25T12:00:00.123+00:00"}""" },
        { "conversation-closed.v1", """{"key":"order-4711","at":"2026-11-25T12:00:00.123+00:00"}""" },
        { "registry-snapshot.v1", """{"openKeys":["order-4711","order-4712"]}""" },
        { "cursor-moved.v1", """{"position":4711}""" },
        { "conversation-snapshot.v1", """{"created":{"conversationId":"c-1","memberId":"m-1","protectedJwt":"v1.abc","eventStreamUri":"wss://streaming.example/chat/jwt/x","at":"2026-11-25T12:00:00.123+00:00"},"messages":[{"seen":{"messageId":"msg-1","senderId":"agent-1","senderRole":"AGENT","body":"Hello","bodyType":"standard","timestamp":"2026-11-25T12:00:00.123+00:00"},"sequence":3},{"seen":{"messageId":"msg-2","senderId":"m-1","senderRole":"CUSTOMER","body":"Where is my parcel?","bodyType":"standard","timestamp":"2026-11-25T12:00:00.123+00:00","posted":true},"sequence":5}],"unresolvedSends":[{"sendId":8,"body":"Hello?","bodyType":"standard","at":"2026-11-25T12:00:00.123+00:00"}],"acceptedSends":[{"accepted":{"sendId":7,"messageId":"msg-2","timestamp":"2026-11-25T12:00:00.123+00:00"},"clientMessageId":"c-7"}],"nextSendId":9}""" },
    };

    public static TheoryData<IConversationFact> Facts() =>
    [
        new ChatRequested(new CreateWebChatConversationRequest
        {
            OrganizationId = "org",
            DeploymentId = "dep",
            RoutingTarget = new WebChatRoutingTarget { TargetType = RoutingTargetType.Queue, TargetAddress = "Chat Queue" },
            MemberInfo = new GuestMemberInfo { DisplayName = "Jo", CustomFields = new Dictionary<string, string> { ["order"] = "4711" } },
        }, T0),
        new ChatCreated("c-1", "m-1", "v1.abc", "wss://streaming.example/chat/jwt/x", T0),
        new MessageSeen("msg-1", "agent-1", MemberRole.Agent, "Hello", BodyType.Standard, T0, Told: true),
        new MessageSeen("msg-3", "m-1", null, "Where is \"my\" parcel? \u00e9\u4e2d", BodyType.Notice, T0, Posted: true, Told: false),
        new MemberKnown("agent-1", MemberRole.Agent, "Alice", MemberState.Connected),
        new SendIntended(7, "Where is my parcel?", BodyType.Standard, "c-7", T0),
        new SendAccepted(7, "msg-2", T0),
        new SendGivenUp(7, "constraint.validation"),
        new MediaRequestKnown("mr-1", MediaRequestState.Accepted),
        new ChatEnded(ConversationEndReason.AgentEnded, null, T0),
        new ConversationOpened("order-4711", T0),
        new ConversationClosed("order-4711", T0),
        new RegistrySnapshot(["order-4711", "order-4712"]),
        new CursorMoved(4711),
        new ConversationSnapshot(null, new ChatCreated("c-1", "m-1", "v1.abc", "wss://streaming.example/chat/jwt/x", T0), null,
            [new SnapshotMessage(new MessageSeen("msg-1", "agent-1", MemberRole.Agent, "Hello", BodyType.Standard, T0), 3)],
            [new SendIntended(8, "Hello?", BodyType.Standard, null, T0)],
            [new AcceptedSend(new SendAccepted(7, "msg-2", T0), "c-7")],
            9),
    ];

    private ConversationFactSerializer Serializer => new((ExtendedActorSystem)Sys);

    [Theory]
    [MemberData(nameof(WrittenShapes))]
    public void Each_shape_as_written_reads_back_and_is_written_the_same_way(string manifest, string written)
    {
        var fact = Serializer.FromBinary(Encoding.UTF8.GetBytes(written), manifest);

        Assert.Equal(manifest, Serializer.Manifest(fact));
        Assert.Equal(written, Encoding.UTF8.GetString(Serializer.ToBinary(fact)));
    }

    [Theory]
    [MemberData(nameof(Facts))]
    public void Every_fact_round_trips_under_its_own_manifest(IConversationFact fact)
    {
        var manifest = Serializer.Manifest(fact);
        var back = Serializer.FromBinary(Serializer.ToBinary(fact), manifest);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(fact, fact.GetType()), System.Text.Json.JsonSerializer.Serialize(back, back.GetType()));
        Assert.Contains(manifest, ConversationFactSerializer.Manifests);
    }

    [Fact]
    public void Every_manifest_has_a_written_shape_kept_in_this_spec()
    {
        Assert.Equal(ConversationFactSerializer.Manifests.Order(), WrittenShapes().Select(row => (string)row[0]).Order());
    }

    [Fact]
    public void A_message_written_by_an_earlier_build_reads_as_the_current_shape_without_saying_whether_it_was_told()
    {
        const string v1 = """{"messageId":"msg-1","senderId":"agent-1","senderRole":"AGENT","body":"Hello","bodyType":"standard","timestamp":"2026-11-25T12:00:00.123+00:00"}""";

        var fact = Assert.IsType<MessageSeen>(Serializer.FromBinary(Encoding.UTF8.GetBytes(v1), "message-seen.v1"));

        Assert.Null(fact.Told);
        Assert.Equal(("msg-1", "agent-1", "Hello"), (fact.MessageId, fact.SenderId, fact.Body));
        Assert.Equal("message-seen.v2", Serializer.Manifest(fact));
        Assert.Equal(["message-seen.v1"], ConversationFactSerializer.EarlierManifests);
    }

    [Fact]
    public void An_unknown_manifest_or_a_body_that_is_not_its_shape_fails_loudly_and_names_it()
    {
        var unknown = Assert.Throws<SerializationException>(() => Serializer.FromBinary("{}"u8.ToArray(), "chat-created.v9"));
        Assert.Contains("chat-created.v9", unknown.Message, StringComparison.Ordinal);

        var broken = Assert.Throws<SerializationException>(() => Serializer.FromBinary("{\"sendId\":\"seven\"}"u8.ToArray(), "send-accepted.v1"));
        Assert.Contains("send-accepted.v1", broken.Message, StringComparison.Ordinal);

        Assert.Throws<SerializationException>(() => Serializer.Manifest("not a fact"));
    }

    [Theory]
    [InlineData("""{"messageId":"msg-1","senderId":"agent-1","bodyType":"standard","timestamp":"2026-11-25T12:00:00.123+00:00"}""")] // no body
    [InlineData("""{"messageId":7,"senderId":"agent-1","body":"Hello","bodyType":"standard","timestamp":"2026-11-25T12:00:00.123+00:00"}""")]
    [InlineData("""{"messageId":"msg-1","senderId":"agent-1","body":"Hello","bodyType":"standard","timestamp":"yesterday"}""")]
    [InlineData("""{"messageId":"msg-1","senderId":"agent-1","body":"Hello","bodyType":"shout","timestamp":"2026-11-25T12:00:00.123+00:00"}""")]
    [InlineData("""{"messageId":"msg-1","senderId":"agent-1","body":"Hello","bodyType":"standard","timestamp":"2026-11-25T12:00:00.123+00:00","told":"yes"}""")]
    [InlineData("""["msg-1"]""")]
    public void A_message_that_is_not_its_shape_fails_loudly_and_names_its_manifest(string written)
    {
        var broken = Assert.Throws<SerializationException>(() => Serializer.FromBinary(Encoding.UTF8.GetBytes(written), "message-seen.v2"));
        Assert.Contains("message-seen.v2", broken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_reads_whatever_the_order_of_its_names_with_nulls_and_names_it_does_not_know_passed_over()
    {
        const string written = """{"told":true,"timestamp":"2026-11-25T12:00:00.123+00:00","senderRole":null,"later":{"a":[1,2]},"bodyType":"STANDARD","body":"Hello","senderId":"agent-1","messageId":"msg-1","posted":null}""";

        var fact = Assert.IsType<MessageSeen>(Serializer.FromBinary(Encoding.UTF8.GetBytes(written), "message-seen.v2"));

        Assert.Equal(new MessageSeen("msg-1", "agent-1", null, "Hello", BodyType.Standard, T0, Posted: null, Told: true), fact);
    }
}
