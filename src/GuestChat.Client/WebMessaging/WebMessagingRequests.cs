using System.Buffers;
using System.Text.Json;

namespace GuestChat.Client.WebMessaging;

/// <summary>
/// The guest's requests on the Web Messaging websocket, as UTF-8 JSON text frames: flat objects with an
/// <c>action</c>, the session <c>token</c> (a client-made id that is the session: whoever has it can resume
/// it, so it is never logged), and a <c>tracingId</c> the answer carries back.
/// </summary>
public static class WebMessagingRequests
{
    /// <summary>The <c>tracingId</c> of <c>echo</c>, as Genesys's own transport sends it (base64 of "HealthCheckMessageId").</summary>
    public const string EchoTracingId = "SGVhbHRoQ2hlY2tNZXNzYWdlSWQ=";

    /// <summary><c>configureSession</c>: opens the session for <paramref name="token"/>, or resumes it; <paramref name="startNew"/> starts a new conversation on it.</summary>
    public static byte[] ConfigureSession(string token, string deploymentId, bool startNew = false) => Write(json =>
    {
        Start(json, "configureSession", token, tracingId: null);
        json.WriteString("deploymentId", deploymentId);
        json.WriteBoolean("startNew", startNew);
    });

    /// <summary><c>onMessage</c> with a text message; <paramref name="customAttributes"/> go in <c>channel.metadata.customAttributes</c>.</summary>
    public static byte[] SendText(string token, string text, string tracingId, IReadOnlyDictionary<string, string>? customAttributes = null) => Write(json =>
    {
        Start(json, "onMessage", token, tracingId);
        json.WriteStartObject("message");
        json.WriteString("type", "Text");
        json.WriteString("text", text);
        if (customAttributes is { Count: > 0 })
        {
            json.WriteStartObject("channel");
            json.WriteStartObject("metadata");
            json.WriteStartObject("customAttributes");
            foreach (var (name, value) in customAttributes)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndObject();
    });

    /// <summary><c>onMessage</c> with the guest's typing event.</summary>
    public static byte[] TypingOn(string token, string tracingId) => Event(token, tracingId, "Typing", "On");

    /// <summary><c>onMessage</c> with a Presence Join event: starts the conversation before the guest says anything (Messenger's "auto start"), so an agent is sought at once.</summary>
    public static byte[] AutoStart(string token, string tracingId) => Presence(token, tracingId, "Join");

    /// <summary><c>onMessage</c> with a Presence Clear event: the guest ends and clears the conversation (answered with <c>SessionClearedEvent</c>).</summary>
    public static byte[] ClearConversation(string token, string tracingId) => Presence(token, tracingId, "Clear");

    private static byte[] Presence(string token, string tracingId, string type) => Event(token, tracingId, "Presence", type);

    /// <summary><c>onMessage</c> with one event: <c>{eventType, typing|presence: {type}}</c>.</summary>
    private static byte[] Event(string token, string tracingId, string eventType, string type) => Write(json =>
    {
        Start(json, "onMessage", token, tracingId);
        json.WriteStartObject("message");
        json.WriteString("type", "Event");
        json.WriteStartArray("events");
        json.WriteStartObject();
        json.WriteString("eventType", eventType);
        json.WriteStartObject(char.ToLowerInvariant(eventType[0]) + eventType[1..]);
        json.WriteString("type", type);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary><c>echo</c>: a health check the server answers with a <c>StructuredMessage</c> "ping" carrying <see cref="EchoTracingId"/>.</summary>
    public static byte[] Echo(string token) => Write(json =>
    {
        Start(json, "echo", token, EchoTracingId);
        json.WriteStartObject("message");
        json.WriteString("type", "Text");
        json.WriteString("text", "ping");
        json.WriteEndObject();
    });

    /// <summary><c>getJwt</c>: answered by a <see cref="JwtResponse"/> (the JWT for the history endpoint).</summary>
    public static byte[] GetJwt(string token, string tracingId) => Write(json => Start(json, "getJwt", token, tracingId));

    /// <summary><c>closeSession</c>: answered by a <see cref="SessionResponse"/> with <c>connected</c> false; with <paramref name="closeAllConnections"/> the session's other connections get a <c>ConnectionClosedEvent</c>.</summary>
    public static byte[] CloseSession(string token, bool closeAllConnections) => Write(json =>
    {
        Start(json, "closeSession", token, tracingId: null);
        json.WriteBoolean("closeAllConnections", closeAllConnections);
    });

    private static void Start(Utf8JsonWriter json, string action, string token, string? tracingId)
    {
        json.WriteString("action", action);
        json.WriteString("token", token);
        if (tracingId is not null)
        {
            json.WriteString("tracingId", tracingId);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            fields(json);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
