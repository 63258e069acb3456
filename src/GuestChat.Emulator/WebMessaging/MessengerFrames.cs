using System.Buffers;
using System.Globalization;
using System.Text.Json;
using GuestChat.Client.Models;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Streaming;

namespace GuestChat.Emulator.WebMessaging;

/// <summary>
/// Web Messaging's server frames (<c>{type, class, code, body, tracingId?}</c>): a conversation's events as
/// <c>StructuredMessage</c>s (the guest's own text back as Inbound with its request's tracing id, an agent's
/// or a flow's as Outbound, an agent typing, the end as a Presence Disconnect with <c>readOnly</c>), and the
/// answers to the guest's requests. Join and leave notices, member changes and the guest's own typing are
/// not shown on this API.
/// </summary>
internal sealed class MessengerFrames : IFrameRenderer
{
    /// <summary>How long an agent's typing indicator lasts, as Genesys sends it.</summary>
    public const int TypingDurationMs = 5000;

    /// <summary>The custom-attribute limit a session is told (<c>maxCustomDataBytes</c>).</summary>
    public const int MaxCustomDataBytes = 2048;

    private MessengerFrames()
    {
    }

    public static MessengerFrames Instance { get; } = new();

    public byte[]? Heartbeat => null;

    public byte[]? Render(Conversation conversation, ChatEvent chatEvent) => chatEvent switch
    {
        MessageAppended { Message.BodyType: BodyType.Standard } appended => Text(conversation, appended.Message),
        TypingShown typing when typing.SenderId != conversation.Guest.Id => Frame("message", "StructuredMessage", 200, null, json =>
        {
            StartMessage(json, typing.EventId, typing.Timestamp, "Event", "Outbound", nickname: null);
            json.WriteStartArray("events");
            json.WriteStartObject();
            json.WriteString("eventType", "Typing");
            json.WriteStartObject("typing");
            json.WriteString("type", "On");
            json.WriteNumber("duration", TypingDurationMs);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }),
        ChatEnded ended => Presence("Disconnect", "Outbound", ended.Timestamp, tracingId: null, readOnly: true),
        _ => null,
    };

    /// <summary>The guest's Presence Join (auto start) back, Inbound, with its tracing id: the conversation has started.</summary>
    public static byte[] Started(string? tracingId, DateTimeOffset at) => Presence("Join", "Inbound", at, tracingId, readOnly: false);

    /// <summary><c>SessionResponse</c> to <c>configureSession</c>.</summary>
    public static byte[] SessionConfigured(bool newSession, bool readOnly, bool clearedExistingSession, string? tracingId) =>
        Frame("response", "SessionResponse", 200, tracingId, json =>
        {
            json.WriteStartObject();
            json.WriteBoolean("connected", true);
            json.WriteBoolean("newSession", newSession);
            json.WriteBoolean("readOnly", readOnly);
            json.WriteNumber("maxCustomDataBytes", MaxCustomDataBytes);
            json.WriteBoolean("clearedExistingSession", clearedExistingSession);
            json.WriteStartObject("allowedMedia");
            json.WriteEndObject();
            json.WriteStartArray("blockedExtensions");
            json.WriteEndArray();
            json.WriteEndObject();
        });

    /// <summary><c>SessionResponse</c> to <c>closeSession</c>.</summary>
    public static byte[] SessionClosed(string? tracingId) => Frame("response", "SessionResponse", 200, tracingId, json =>
    {
        json.WriteStartObject();
        json.WriteBoolean("connected", false);
        json.WriteBoolean("newSession", false);
        json.WriteEndObject();
    });

    /// <summary>The answer to <c>echo</c>: "ping" back, Inbound, with the request's tracing id.</summary>
    public static byte[] Echo(string? tracingId, DateTimeOffset at) => Frame("response", "StructuredMessage", 200, tracingId, json =>
    {
        StartMessage(json, Guid.NewGuid().ToString(), at, "Text", "Inbound", nickname: null);
        json.WriteString("text", "ping");
        json.WriteEndObject();
    });

    /// <summary><c>JwtResponse</c> to <c>getJwt</c>.</summary>
    public static byte[] Jwt(string jwt, DateTimeOffset expires, string? tracingId) => Frame("response", "JwtResponse", 200, tracingId, json =>
    {
        json.WriteStartObject();
        json.WriteString("jwt", jwt);
        json.WriteNumber("exp", expires.ToUnixTimeSeconds());
        json.WriteEndObject();
    });

    /// <summary><c>TooManyRequestsErrorMessage</c> (429, error code 4029).</summary>
    public static byte[] TooManyRequests(int retryAfterSeconds, string? tracingId) => Frame("response", "TooManyRequestsErrorMessage", 429, tracingId, json =>
    {
        json.WriteStartObject();
        json.WriteNumber("retryAfter", retryAfterSeconds);
        json.WriteNumber("errorCode", 4029);
        json.WriteString("errorMessage", "Message rate too high for this session");
        json.WriteEndObject();
    });

    /// <summary>An event with an empty body: <c>ConnectionClosedEvent</c>, <c>SessionExpiredEvent</c>.</summary>
    public static byte[] Event(string type, string className) => Frame(type, className, 200, null, json =>
    {
        json.WriteStartObject();
        json.WriteEndObject();
    });

    /// <summary>An error: class <c>string</c>, the code, the text as the body.</summary>
    public static byte[] Error(int code, string text, string? tracingId) => Frame("response", "string", code, tracingId, body: null, text);

    /// <summary>A transcript message as the history endpoint and the socket show it (the body of a <c>StructuredMessage</c>).</summary>
    public static void WriteMessage(Utf8JsonWriter json, Conversation conversation, ChatMessage message, Member? sender)
    {
        var fromGuest = message.SenderId == conversation.Guest.Id;
        StartMessage(json, message.Id, message.Timestamp, "Text", fromGuest ? "Inbound" : "Outbound", sender?.DisplayName);
        json.WriteString("text", message.Body);
        if (!fromGuest)
        {
            json.WriteString("originatingEntity", sender?.Role == MemberRole.Agent ? "Human" : "Bot");
        }

        json.WriteEndObject();
    }

    private static byte[] Presence(string type, string direction, DateTimeOffset at, string? tracingId, bool readOnly) => Frame("message", "StructuredMessage", 200, tracingId, json =>
    {
        StartMessage(json, Guid.NewGuid().ToString(), at, "Event", direction, nickname: null);
        json.WriteStartArray("events");
        json.WriteStartObject();
        json.WriteString("eventType", "Presence");
        json.WriteStartObject("presence");
        json.WriteString("type", type);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        if (readOnly)
        {
            json.WriteStartObject("metadata");
            json.WriteString("readOnly", "true");
            json.WriteEndObject();
        }

        json.WriteEndObject();
    });

    private static byte[] Text(Conversation conversation, ChatMessage message) =>
        Frame("message", "StructuredMessage", 200, message.TracingId, json => WriteMessage(json, conversation, message, conversation.SenderOf(message)));

    /// <summary>Opens a message body and writes its id, channel, type and direction; the caller adds the rest and closes it.</summary>
    private static void StartMessage(Utf8JsonWriter json, string id, DateTimeOffset at, string type, string direction, string? nickname)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteStartObject("channel");
        json.WriteString("time", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        json.WriteString("messageId", id);
        json.WriteString("type", "Private");
        if (nickname is not null)
        {
            json.WriteStartObject("from");
            json.WriteString("nickname", nickname);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteString("type", type);
        json.WriteString("direction", direction);
    }

    /// <summary>The envelope; <paramref name="body"/> writes the body object whole (opening included) unless <paramref name="text"/> is the body.</summary>
    private static byte[] Frame(string type, string className, int code, string? tracingId, Action<Utf8JsonWriter>? body, string? text = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteString("class", className);
            json.WriteNumber("code", code);
            if (body is null)
            {
                json.WriteString("body", text);
            }
            else
            {
                json.WritePropertyName("body");
                body(json);
            }

            if (tracingId is not null)
            {
                json.WriteString("tracingId", tracingId);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
