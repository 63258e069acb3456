using System.Text.Json;
using GuestChat.Client.Models;
using GuestChat.Client.Serialization;

namespace GuestChat.Client.Events;

/// <summary>
/// Turns one websocket text frame into a <see cref="StreamEvent"/> in a single pass with
/// <see cref="Utf8JsonReader"/>. The event body comes before the metadata that says what it is, so
/// the fields of any body are collected first and interpreted at the end. Malformed, unexpected or
/// oversized input never throws: it yields <see cref="UnparseableFrame"/> or <see cref="UnknownEvent"/>.
/// </summary>
public static class EventStreamParser
{
    /// <summary>Frames larger than this are refused unread (a real one is a few hundred bytes; a 4,000-character body fits easily).</summary>
    public const int MaxFrameBytes = 256 * 1024;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32 };
    private static readonly string[] Types = [EventTopics.MemberChangeType, EventTopics.MessageType, EventTopics.TypingIndicatorType];
    private static readonly string[] ChannelMessages = [EventTopics.HeartbeatMessage];
    private static readonly IReadOnlyList<string> BodyTypes = WireEnumConverter<BodyType>.WireNames;
    private static readonly IReadOnlyList<string> MemberStates = WireEnumConverter<MemberState>.WireNames;

    /// <summary>Parses a frame given as text.</summary>
    public static StreamEvent Parse(string frame) =>
        TextFrames.Parse(frame, MaxFrameBytes, (buffer, length) => Parse(buffer.AsSpan(0, length)), TooLarge);

    /// <summary>
    /// Parses a frame given as UTF-8 bytes. The values the API writes from a fixed set (event types, body
    /// types, member states) come back as shared strings; with <paramref name="ids"/>, the ids a socket's
    /// frames repeat (its conversation's, its members') are reused from it rather than made again.
    /// </summary>
    public static StreamEvent Parse(ReadOnlySpan<byte> utf8, RepeatedIds? ids = null)
    {
        if (utf8.Length > MaxFrameBytes)
        {
            return TooLarge(utf8.Length);
        }

        try
        {
            var fields = new Fields();
            var reader = new Utf8JsonReader(utf8, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new UnparseableFrame("A frame must be a JSON object.");
            }

            if (ReadFrame(ref reader, ref fields, ids) is { } problem)
            {
                return new UnparseableFrame(problem);
            }

            return reader.Read() ? new UnparseableFrame("Content follows the frame's object.") : Interpret(in fields, utf8);
        }
        catch (JsonException e)
        {
            return new UnparseableFrame("Malformed JSON: " + e.Message);
        }
        catch (InvalidOperationException e)
        {
            return new UnparseableFrame("Unreadable JSON value: " + e.Message);
        }
    }

    private static UnparseableFrame TooLarge(int length) =>
        new($"A frame of {length} bytes exceeds the limit of {MaxFrameBytes}.");

    private static string? ReadFrame(ref Utf8JsonReader reader, ref Fields fields, RepeatedIds? ids)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("topicName"u8))
            {
                if (ReadTopic(ref reader, ref fields) is { } problem)
                {
                    return problem;
                }
            }
            else if (reader.ValueTextEquals("metadata"u8))
            {
                if (ReadMetadata(ref reader, ref fields) is { } problem)
                {
                    return problem;
                }
            }
            else if (reader.ValueTextEquals("eventBody"u8))
            {
                if (ReadBody(ref reader, ref fields, ids) is { } problem)
                {
                    return problem;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return null;
    }

    private static string? ReadMetadata(ref Utf8JsonReader reader, ref Fields fields)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return "metadata is not an object.";
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                if (!ReadString(ref reader, out fields.Type, Types))
                {
                    return "metadata.type is not a string.";
                }
            }
            else if (reader.ValueTextEquals("CorrelationId"u8))
            {
                if (!ReadString(ref reader, out fields.CorrelationId))
                {
                    return "metadata.CorrelationId is not a string.";
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return null;
    }

    private static string? ReadBody(ref Utf8JsonReader reader, ref Fields fields, RepeatedIds? ids)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return "eventBody is not an object.";
        }

        fields.HasBody = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string? problem = null;
            if (reader.ValueTextEquals("id"u8))
            {
                problem = ReadString(ref reader, out fields.Id) ? null : "eventBody.id is not a string.";
            }
            else if (reader.ValueTextEquals("conversation"u8))
            {
                problem = ReadReference(ref reader, "eventBody.conversation", ids, out fields.ConversationId, out _);
            }
            else if (reader.ValueTextEquals("sender"u8))
            {
                problem = ReadReference(ref reader, "eventBody.sender", ids, out fields.SenderId, out _);
            }
            else if (reader.ValueTextEquals("member"u8))
            {
                problem = ReadReference(ref reader, "eventBody.member", ids, out fields.MemberId, out fields.MemberState);
            }
            else if (reader.ValueTextEquals("body"u8))
            {
                problem = ReadString(ref reader, out fields.Body) ? null : "eventBody.body is not a string.";
            }
            else if (reader.ValueTextEquals("bodyType"u8))
            {
                problem = ReadString(ref reader, out fields.BodyType, BodyTypes) ? null : "eventBody.bodyType is not a string.";
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                problem = ReadString(ref reader, out fields.Message, ChannelMessages) ? null : "eventBody.message is not a string.";
            }
            else if (reader.ValueTextEquals("timestamp"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var timestamp))
                {
                    fields.Timestamp = timestamp;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    problem = "eventBody.timestamp is not an ISO-8601 timestamp.";
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }

            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? ReadReference(ref Utf8JsonReader reader, string name, RepeatedIds? ids, out string? id, out string? state)
    {
        id = state = null;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return $"{name} is not an object.";
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                {
                    return $"{name}.id is not a string.";
                }

                id = reader.TokenType == JsonTokenType.Null ? null : ids is null ? reader.GetString() : ids.Read(ref reader);
            }
            else if (reader.ValueTextEquals("state"u8))
            {
                if (!ReadString(ref reader, out state, MemberStates))
                {
                    return $"{name}.state is not a string.";
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return null;
    }

    private static bool ReadString(ref Utf8JsonReader reader, out string? value)
    {
        reader.Read();
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
    }

    /// <summary>The same, handing out the one of <paramref name="known"/> the value spells exactly, if any.</summary>
    private static bool ReadString(ref Utf8JsonReader reader, out string? value, IReadOnlyList<string> known)
    {
        reader.Read();
        value = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            return reader.TokenType == JsonTokenType.Null;
        }

        for (var i = 0; i < known.Count; i++)
        {
            if (reader.ValueTextEquals(known[i]))
            {
                value = known[i];
                return true;
            }
        }

        value = reader.GetString();
        return true;
    }

    /// <summary>
    /// The topic is only compared with <c>channel.metadata</c> and shown in what is unknown, so an ordinary
    /// one is not made into a string: where it lies in the frame is kept, and read only when it is shown.
    /// </summary>
    private static string? ReadTopic(ref Utf8JsonReader reader, ref Fields fields)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            fields.HasTopic = false;
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return "topicName is not a string.";
        }

        fields.HasTopic = true;
        fields.Topic = reader.ValueTextEquals(EventTopics.ChannelMetadata) ? EventTopics.ChannelMetadata : reader.ValueIsEscaped ? reader.GetString() : null;
        fields.TopicAt = ((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
        return null;
    }

    private static string TopicOf(in Fields f, ReadOnlySpan<byte> utf8) =>
        f.Topic ?? System.Text.Encoding.UTF8.GetString(utf8.Slice(f.TopicAt.Start, f.TopicAt.Length));

    private static StreamEvent Interpret(in Fields f, ReadOnlySpan<byte> utf8)
    {
        if (!f.HasTopic)
        {
            return new UnparseableFrame("The frame has no topicName.");
        }

        if (ReferenceEquals(f.Topic, EventTopics.ChannelMetadata))
        {
            return f.Message == EventTopics.HeartbeatMessage
                ? HeartbeatEvent.Instance
                : new UnknownEvent(f.Topic, f.Type, $"channel.metadata message: {f.Message ?? "(none)"}");
        }

        if (!f.HasBody)
        {
            return new UnknownEvent(TopicOf(in f, utf8), f.Type, "The frame has no eventBody.");
        }

        return f.Type switch
        {
            EventTopics.MemberChangeType => MemberChange(in f, utf8),
            EventTopics.MessageType => Message(in f, utf8),
            EventTopics.TypingIndicatorType => Typing(in f),
            null => new UnknownEvent(TopicOf(in f, utf8), null, "The frame has no metadata.type."),
            _ => new UnknownEvent(TopicOf(in f, utf8), f.Type, $"Unknown metadata.type {f.Type}."),
        };
    }

    private static StreamEvent MemberChange(in Fields f, ReadOnlySpan<byte> utf8)
    {
        if (f.ConversationId is null || f.MemberId is null)
        {
            return new UnparseableFrame("A member-change needs conversation.id and member.id.");
        }

        return WireEnumConverter<MemberState>.TryParse(f.MemberState, out var state)
            ? new MemberChangeEvent(f.ConversationId, f.MemberId, state, f.Timestamp, f.CorrelationId)
            : new UnknownEvent(TopicOf(in f, utf8), f.Type, $"Unknown member state {f.MemberState ?? "(none)"}.");
    }

    private static StreamEvent Message(in Fields f, ReadOnlySpan<byte> utf8)
    {
        if (f.ConversationId is null || f.Id is null || f.SenderId is null || f.Timestamp is null)
        {
            return new UnparseableFrame("A message needs id, conversation.id, sender.id and timestamp.");
        }

        var bodyType = BodyType.Standard;
        if (f.BodyType is not null && !WireEnumConverter<BodyType>.TryParse(f.BodyType, out bodyType))
        {
            return new UnknownEvent(TopicOf(in f, utf8), f.Type, $"Unknown bodyType {f.BodyType}.");
        }

        return new MessageEvent(f.ConversationId, f.Id, f.SenderId, f.Body ?? "", bodyType, f.Timestamp.Value, f.CorrelationId);
    }

    private static StreamEvent Typing(in Fields f) =>
        f.ConversationId is null || f.Id is null || f.SenderId is null || f.Timestamp is null
            ? new UnparseableFrame("A typing-indicator needs id, conversation.id, sender.id and timestamp.")
            : new TypingEvent(f.ConversationId, f.Id, f.SenderId, f.Timestamp.Value, f.CorrelationId);

    /// <summary>Everything any frame may carry, gathered before its type is known.</summary>
    private struct Fields
    {
        public bool HasTopic;
        public string? Topic;
        public (int Start, int Length) TopicAt;
        public string? Type;
        public string? CorrelationId;
        public bool HasBody;
        public string? Id;
        public string? ConversationId;
        public string? SenderId;
        public string? MemberId;
        public string? MemberState;
        public string? Body;
        public string? BodyType;
        public string? Message;
        public DateTimeOffset? Timestamp;
    }
}
