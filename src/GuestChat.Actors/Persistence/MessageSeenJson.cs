using System.Text.Json;
using System.Text.Json.Serialization;
using GuestChat.Client.Models;
using GuestChat.Client.Serialization;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// <see cref="MessageSeen"/> as JSON, written and read by hand: the same text as the rest of the facts
/// (camelCase names, enums by their wire names, nulls left out), pinned by the serializer's specs. Why:
/// it is the fact of every message, and the journal's readers read it back once per message; the
/// serializer's general path for a record of eight constructor parameters boxes each value and keeps
/// a frame of arguments, about a tenth of what a busy service allocated per message.
/// </summary>
internal sealed class MessageSeenJson : JsonConverter<MessageSeen>
{
    private static readonly JsonEncodedText MessageId = JsonEncodedText.Encode("messageId");
    private static readonly JsonEncodedText SenderId = JsonEncodedText.Encode("senderId");
    private static readonly JsonEncodedText SenderRole = JsonEncodedText.Encode("senderRole");
    private static readonly JsonEncodedText Body = JsonEncodedText.Encode("body");
    private static readonly JsonEncodedText BodyType = JsonEncodedText.Encode("bodyType");
    private static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText Posted = JsonEncodedText.Encode("posted");
    private static readonly JsonEncodedText Told = JsonEncodedText.Encode("told");
    private static readonly JsonEncodedText[] Properties = [MessageId, SenderId, SenderRole, Body, BodyType, Timestamp, Posted, Told];
    private static readonly WireEnumConverter<MemberRole> Roles = new();
    private static readonly WireEnumConverter<BodyType> BodyTypes = new();

    /// <inheritdoc />
    public override MessageSeen Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A message is a JSON object.");
        }

        string? messageId = null, senderId = null, body = null;
        MemberRole? senderRole = null;
        BodyType? bodyType = null;
        DateTimeOffset? timestamp = null;
        bool? posted = null, told = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = PropertyOf(ref reader);
            reader.Read();
            switch (property)
            {
                case 0: messageId = Text(ref reader); break;
                case 1: senderId = Text(ref reader); break;
                case 2: senderRole = reader.TokenType == JsonTokenType.Null ? null : Roles.Read(ref reader, typeof(MemberRole), options); break;
                case 3: body = Text(ref reader); break;
                case 4: bodyType = BodyTypes.Read(ref reader, typeof(BodyType), options); break;
                case 5: timestamp = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var at) ? at : throw new JsonException("A message's \"timestamp\" is not a date and time."); break;
                case 6: posted = Flag(ref reader); break;
                case 7: told = Flag(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("A message ends with its object.");
        }

        return new MessageSeen(
            messageId ?? throw Missing(MessageId),
            senderId ?? throw Missing(SenderId),
            senderRole,
            body ?? throw Missing(Body),
            bodyType ?? throw Missing(BodyType),
            timestamp ?? throw Missing(Timestamp),
            posted,
            told);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, MessageSeen value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(MessageId, value.MessageId);
        writer.WriteString(SenderId, value.SenderId);
        if (value.SenderRole is { } role)
        {
            writer.WritePropertyName(SenderRole);
            Roles.Write(writer, role, options);
        }

        writer.WriteString(Body, value.Body);
        writer.WritePropertyName(BodyType);
        BodyTypes.Write(writer, value.BodyType, options);
        writer.WriteString(Timestamp, value.Timestamp);
        if (value.Posted is { } posted)
        {
            writer.WriteBoolean(Posted, posted);
        }

        if (value.Told is { } told)
        {
            writer.WriteBoolean(Told, told);
        }

        writer.WriteEndObject();
    }

    /// <summary>Which of the properties the reader is at the name of (in the order they are written), -1 for any other.</summary>
    private static int PropertyOf(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < Properties.Length; i++)
        {
            if (reader.ValueTextEquals(Properties[i].EncodedUtf8Bytes))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Expected a string, not {reader.TokenType}."),
    };

    private static bool? Flag(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Expected true or false, not {reader.TokenType}."),
    };

    private static JsonException Missing(JsonEncodedText name) => new($"A message has no \"{name}\".");
}
