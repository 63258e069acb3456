using System.Text;
using GuestChat.Client.Events;
using GuestChat.Client.Models;

namespace GuestChat.Client.Tests;

public sealed class EventStreamParserTests
{
    // The real frames of the protocol page.
    private const string RealMemberChange = """
        {"topicName":"v2.conversations.chats.aa06a6fc-1fdf-4e59-b8a1-df3ca44f523e.members","version":"2",
         "eventBody":{"conversation":{"id":"aa06a6fc-1fdf-4e59-b8a1-df3ca44f523e"},
                      "member":{"id":"f3b14049-4631-4b29-b45d-1b2822410cbe","state":"CONNECTED"},
                      "timestamp":"2019-06-18T16:59:09.689Z"},
         "metadata":{"CorrelationId":"bbd1fbef-cfbd-4a31-8008-51eba78dee76","type":"member-change"}}
        """;

    private const string RealMessage = """
        {"topicName":"v2.conversations.chats.aa06a6fc-1fdf-4e59-b8a1-df3ca44f523e.messages","version":"2",
         "eventBody":{"id":"485fc952-3021-4dab-bb04-e3ad84d8b62a","conversation":{"id":"aa06a6fc-1fdf-4e59-b8a1-df3ca44f523e"},
                      "sender":{"id":"6408f799-973a-436a-9e1a-a75a6ddc46f5"},"body":"Hi, how are you?",
                      "bodyType":"standard","timestamp":"2019-06-18T16:59:22.277Z"},
         "metadata":{"CorrelationId":"ca138a93-3198-43b4-8ef4-bced8d38b3b9","type":"message"}}
        """;

    private const string RealHeartbeat = """{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}""";

    private const string Typing = """
        {"topicName":"v2.conversations.chats.c1.messages","version":"2",
         "eventBody":{"id":"t1","conversation":{"id":"c1"},"sender":{"id":"m1"},"timestamp":"2019-06-18T16:59:22.277Z"},
         "metadata":{"CorrelationId":"x","type":"typing-indicator"}}
        """;

    [Fact]
    public void The_real_member_change_frame_becomes_a_member_change()
    {
        var change = Assert.IsType<MemberChangeEvent>(EventStreamParser.Parse(RealMemberChange));
        Assert.Equal("aa06a6fc-1fdf-4e59-b8a1-df3ca44f523e", change.ConversationId);
        Assert.Equal("f3b14049-4631-4b29-b45d-1b2822410cbe", change.MemberId);
        Assert.Equal(MemberState.Connected, change.State);
        Assert.Equal(new DateTimeOffset(2019, 6, 18, 16, 59, 9, 689, TimeSpan.Zero), change.Timestamp);
        Assert.Equal("bbd1fbef-cfbd-4a31-8008-51eba78dee76", change.CorrelationId);
    }

    [Fact]
    public void The_real_message_frame_becomes_a_message()
    {
        var message = Assert.IsType<MessageEvent>(EventStreamParser.Parse(RealMessage));
        Assert.Equal("485fc952-3021-4dab-bb04-e3ad84d8b62a", message.MessageId);
        Assert.Equal("6408f799-973a-436a-9e1a-a75a6ddc46f5", message.SenderId);
        Assert.Equal("Hi, how are you?", message.Body);
        Assert.Equal(BodyType.Standard, message.BodyType);
        Assert.Equal(new DateTimeOffset(2019, 6, 18, 16, 59, 22, 277, TimeSpan.Zero), message.Timestamp);
    }

    [Fact]
    public void The_real_heartbeat_is_a_heartbeat_and_typing_is_typing()
    {
        Assert.Same(HeartbeatEvent.Instance, EventStreamParser.Parse(RealHeartbeat));
        var typing = Assert.IsType<TypingEvent>(EventStreamParser.Parse(Typing));
        Assert.Equal(("t1", "m1", "c1"), (typing.EventId, typing.SenderId, typing.ConversationId));
    }

    [Theory]
    [InlineData("standard", BodyType.Standard)]
    [InlineData("notice", BodyType.Notice)]
    [InlineData("member-join", BodyType.MemberJoin)]
    [InlineData("member-leave", BodyType.MemberLeave)]
    [InlineData("media-request", BodyType.MediaRequest)]
    public void Every_body_type_is_read(string wire, BodyType expected) =>
        Assert.Equal(expected, Assert.IsType<MessageEvent>(EventStreamParser.Parse(RealMessage.Replace("\"standard\"", $"\"{wire}\"", StringComparison.Ordinal))).BodyType);

    [Theory]
    [InlineData("ALERTING", MemberState.Alerting)]
    [InlineData("CONNECTED", MemberState.Connected)]
    [InlineData("DISCONNECTED", MemberState.Disconnected)]
    public void Every_member_state_is_read(string wire, MemberState expected) =>
        Assert.Equal(expected, Assert.IsType<MemberChangeEvent>(EventStreamParser.Parse(RealMemberChange.Replace("\"CONNECTED\"", $"\"{wire}\"", StringComparison.Ordinal))).State);

    [Fact]
    public void A_message_without_body_type_is_standard_as_the_api_defaults()
    {
        var frame = RealMessage.Replace("\"bodyType\":\"standard\",", "", StringComparison.Ordinal);
        Assert.Equal(BodyType.Standard, Assert.IsType<MessageEvent>(EventStreamParser.Parse(frame)).BodyType);
    }

    [Theory]
    [InlineData("""{"topicName":"v2.conversations.chats.c.messages","eventBody":{"id":"1"},"metadata":{"type":"presence"}}""", "v2.conversations.chats.c.messages", "Unknown metadata.type presence.")]
    [InlineData("""{"topicName":"v2.users.u.presence","eventBody":{}}""", "v2.users.u.presence", "The frame has no metadata.type.")]
    [InlineData("""{"topicName":"v2.users.\u00fc.presence","eventBody":{}}""", "v2.users.ü.presence", "The frame has no metadata.type.")]
    [InlineData("""{"eventBody":{},"topicName":"v2.users.ü.presence","version":"2"}""", "v2.users.ü.presence", "The frame has no metadata.type.")]
    [InlineData("""{"topicName":"channel.metadata","eventBody":{"message":"Something else"}}""", "channel.metadata", "channel.metadata message: Something else")]
    public void Unknown_topics_and_types_are_reported_with_their_topic(string frame, string topic, string detail)
    {
        foreach (var unknown in new[] { EventStreamParser.Parse(frame), EventStreamParser.Parse(Encoding.UTF8.GetBytes(frame)) }.Select(Assert.IsType<UnknownEvent>))
        {
            Assert.Equal(detail, unknown.Detail);
            Assert.Equal(topic, unknown.Topic);
        }
    }

    [Fact]
    public void A_socket_s_repeated_ids_are_read_into_the_same_strings_and_every_frame_still_reads_right()
    {
        var ids = new RepeatedIds();
        var first = Assert.IsType<MessageEvent>(EventStreamParser.Parse(Encoding.UTF8.GetBytes(RealMessage), ids));
        var again = Assert.IsType<MessageEvent>(EventStreamParser.Parse(Encoding.UTF8.GetBytes(RealMessage), ids));
        Assert.Equal(EventStreamParser.Parse(RealMessage), again);
        Assert.Same(first.ConversationId, again.ConversationId);
        Assert.Same(first.SenderId, again.SenderId);

        // More distinct ids than are kept, an escaped one among them: each frame has its own.
        for (var i = 0; i < 20; i++)
        {
            var sender = i % 3 == 0 ? $"\\u0073ender-{i}" : $"sender-{i}";
            var frame = RealMessage.Replace("6408f799-973a-436a-9e1a-a75a6ddc46f5", sender, StringComparison.Ordinal);
            var message = Assert.IsType<MessageEvent>(EventStreamParser.Parse(Encoding.UTF8.GetBytes(frame), ids));
            Assert.Equal($"sender-{i}", message.SenderId);
            Assert.Equal("aa06a6fc-1fdf-4e59-b8a1-df3ca44f523e", message.ConversationId);
        }
    }

    [Fact]
    public void An_unknown_body_type_or_member_state_is_unknown_not_an_error()
    {
        Assert.Equal("Unknown bodyType sticker.", Assert.IsType<UnknownEvent>(EventStreamParser.Parse(RealMessage.Replace("\"standard\"", "\"sticker\"", StringComparison.Ordinal))).Detail);
        Assert.IsType<UnknownEvent>(EventStreamParser.Parse(RealMemberChange.Replace("\"CONNECTED\"", "\"PARKED\"", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("", "Malformed JSON")]
    [InlineData("[]", "A frame must be a JSON object.")]
    [InlineData("\"text\"", "A frame must be a JSON object.")]
    [InlineData("{\"topicName\":42}", "topicName is not a string.")]
    [InlineData("{\"topicName\":\"t\",\"eventBody\":[]}", "eventBody is not an object.")]
    [InlineData("{\"topicName\":\"t\",\"metadata\":\"x\"}", "metadata is not an object.")]
    [InlineData("{\"topicName\":\"t\",\"eventBody\":{\"sender\":{\"id\":7}}}", "eventBody.sender.id is not a string.")]
    [InlineData("{\"topicName\":\"t\",\"eventBody\":{\"timestamp\":\"yesterday\"}}", "eventBody.timestamp is not an ISO-8601 timestamp.")]
    [InlineData("{\"eventBody\":{}}", "The frame has no topicName.")]
    [InlineData("{\"topicName\":\"t\"} trailing", "Malformed JSON")]
    [InlineData("{\"topicName\":\"v2.conversations.chats.c.messages\",\"eventBody\":{\"id\":\"1\"},\"metadata\":{\"type\":\"message\"}}", "A message needs")]
    public void Malformed_frames_are_unparseable_with_the_reason(string frame, string reason) =>
        Assert.StartsWith(reason, Assert.IsType<UnparseableFrame>(EventStreamParser.Parse(frame)).Reason);

    [Fact]
    public void A_huge_frame_is_refused_unread()
    {
        var huge = "{\"topicName\":\"" + new string('x', EventStreamParser.MaxFrameBytes) + "\"}";
        Assert.StartsWith("A frame of", Assert.IsType<UnparseableFrame>(EventStreamParser.Parse(huge)).Reason);
        var deep = new string('[', 10_000) + new string(']', 10_000);
        Assert.IsType<UnparseableFrame>(EventStreamParser.Parse(deep));
    }

    [Fact]
    public void Every_truncation_of_every_real_frame_yields_a_result_and_never_throws()
    {
        foreach (var frame in new[] { RealMemberChange, RealMessage, RealHeartbeat, Typing })
        {
            var bytes = Encoding.UTF8.GetBytes(frame);
            for (var length = 0; length < bytes.Length; length++)
            {
                var result = EventStreamParser.Parse(bytes.AsSpan(0, length));
                Assert.True(result is UnparseableFrame or UnknownEvent, $"{length}: {result}");
            }
        }
    }

    [Fact]
    public void Random_mutations_of_real_frames_never_throw()
    {
        var random = new Random(20261124);
        var seeds = new[] { RealMemberChange, RealMessage, RealHeartbeat, Typing }.Select(Encoding.UTF8.GetBytes).ToArray();
        var tokens = new[] { "null", "42", "\"\"", "{}", "[]", "true", "\"\\u0000\"", "\"\\uD800\"", "1e999", "{\"id\":{}}" }.Select(Encoding.UTF8.GetBytes).ToArray();
        for (var i = 0; i < 50_000; i++)
        {
            var frame = seeds[random.Next(seeds.Length)].ToList();
            for (var edits = random.Next(1, 6); edits > 0 && frame.Count > 0; edits--)
            {
                var at = random.Next(frame.Count);
                switch (random.Next(4))
                {
                    case 0:
                        frame[at] = (byte)random.Next(256);
                        break;
                    case 1:
                        frame.RemoveRange(at, Math.Min(random.Next(1, 20), frame.Count - at));
                        break;
                    case 2:
                        frame.InsertRange(at, tokens[random.Next(tokens.Length)]);
                        break;
                    default:
                        frame.Insert(at, (byte)"{}[]\":,\\"[random.Next(8)]);
                        break;
                }
            }

            Assert.NotNull(EventStreamParser.Parse(frame.ToArray()));
        }
    }

    [Fact]
    public void Text_and_bytes_give_the_same_result_for_non_ascii_bodies()
    {
        var frame = RealMessage.Replace("Hi, how are you?", "Grüße, 你好 👋", StringComparison.Ordinal);
        Assert.Equal(EventStreamParser.Parse(frame), EventStreamParser.Parse(Encoding.UTF8.GetBytes(frame)));
        Assert.Equal("Grüße, 你好 👋", Assert.IsType<MessageEvent>(EventStreamParser.Parse(frame)).Body);
    }
}
