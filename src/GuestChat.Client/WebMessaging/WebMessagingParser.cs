using System.Text.Json;
using GuestChat.Client.Serialization;

namespace GuestChat.Client.WebMessaging;

/// <summary>
/// Turns one Web Messaging websocket text frame from the server into a <see cref="WebMessagingFrame"/>.
/// Malformed, unexpected or oversized input never throws: it yields <see cref="UnreadableFrame"/> (not JSON,
/// not an object, no <c>class</c> or <c>code</c>, a field of the wrong kind) or <see cref="UnknownFrame"/>
/// (a class this client does not use).
/// </summary>
public static class WebMessagingParser
{
    /// <summary>Frames larger than this are refused unread (a message is at most 4,096 characters of text plus its envelope).</summary>
    public const int MaxFrameBytes = 256 * 1024;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    /// <summary>Reads a frame given as text.</summary>
    public static WebMessagingFrame Parse(string frame) =>
        TextFrames.Parse(frame, MaxFrameBytes, (buffer, length) => Parse(buffer.AsMemory(0, length)), TooLarge);

    /// <summary>Reads a frame given as UTF-8 bytes.</summary>
    public static WebMessagingFrame Parse(ReadOnlyMemory<byte> utf8)
    {
        if (utf8.Length > MaxFrameBytes)
        {
            return TooLarge(utf8.Length);
        }

        try
        {
            using var document = JsonDocument.Parse(utf8, Options);
            return Interpret(document.RootElement);
        }
        catch (JsonException e)
        {
            return new UnreadableFrame("Malformed JSON: " + e.Message);
        }
        catch (FrameProblem problem)
        {
            return new UnreadableFrame(problem.Message);
        }
    }

    /// <summary>Reads a page of the history endpoint; null with the <paramref name="problem"/> when it is not one (it never throws).</summary>
    public static MessagingHistoryPage? ParseHistoryPage(ReadOnlyMemory<byte> utf8, out string? problem)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8, Options);
            var page = Object(document.RootElement, "The page");
            var entities = Field(page, "entities");
            if (entities.ValueKind != JsonValueKind.Array)
            {
                throw new FrameProblem("entities is not an array.");
            }

            problem = null;
            return new MessagingHistoryPage(
                [.. entities.EnumerateArray().Select(entity => Message(Object(entity, "An entity")))],
                Int(page, "pageNumber") ?? 1,
                Int(page, "pageSize") ?? 0,
                Int(page, "total") ?? 0,
                Int(page, "pageCount") ?? 0);
        }
        catch (JsonException e)
        {
            problem = "Malformed JSON: " + e.Message;
        }
        catch (FrameProblem e)
        {
            problem = e.Message;
        }

        return null;
    }

    private static UnreadableFrame TooLarge(int length) => new($"A frame of {length} bytes exceeds the limit of {MaxFrameBytes}.");

    private static WebMessagingFrame Interpret(JsonElement frame)
    {
        if (frame.ValueKind != JsonValueKind.Object)
        {
            throw new FrameProblem("A frame must be a JSON object.");
        }

        var type = String(frame, "type");
        var kind = String(frame, "class") ?? throw new FrameProblem("The frame has no class.");
        var code = Int(frame, "code") ?? throw new FrameProblem("The frame has no code.");
        var body = frame.TryGetProperty("body", out var found) ? found : default;
        WebMessagingFrame read = kind switch
        {
            "SessionResponse" => new SessionResponse(
                Bool(Object(body, "body"), "connected") ?? false,
                Bool(body, "newSession") ?? false,
                Bool(body, "readOnly") ?? false,
                Int(body, "maxCustomDataBytes"),
                Bool(body, "clearedExistingSession") ?? false,
                Long(body, "durationSeconds"),
                Long(body, "expirationDate")),
            "StructuredMessage" => new StructuredMessageFrame(Message(Object(body, "body"))),
            "JwtResponse" => new JwtResponse(
                String(Object(body, "body"), "jwt") ?? throw new FrameProblem("JwtResponse has no jwt."),
                Long(body, "exp") ?? 0),
            "SessionExpiredEvent" or "SessionClearedEvent" or "LogoutEvent" or "ConnectionClosedEvent" =>
                new SessionEvent(kind, body.ValueKind == JsonValueKind.Object ? String(body, "reason") : null),
            "TooManyRequestsErrorMessage" => new TooManyRequests(
                Int(Object(body, "body"), "retryAfter") ?? 1,
                Int(body, "errorCode") ?? 4029,
                String(body, "errorMessage")),
            "string" => new ErrorResponse(body.ValueKind == JsonValueKind.String ? body.GetString()! : body.ValueKind == JsonValueKind.Undefined ? "" : body.GetRawText()),
            _ => new UnknownFrame(kind),
        };
        return read with { Code = code, TracingId = String(frame, "tracingId"), IsResponse = string.Equals(type, "response", StringComparison.Ordinal) };
    }

    private static StructuredMessage Message(JsonElement body)
    {
        var channel = body.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        var from = channel.ValueKind == JsonValueKind.Object && channel.TryGetProperty("from", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        return new StructuredMessage(
            String(body, "id"),
            String(body, "type"),
            String(body, "text"),
            String(body, "direction"),
            channel.ValueKind == JsonValueKind.Object ? String(channel, "time") : null,
            from.ValueKind == JsonValueKind.Object ? String(from, "nickname") : null,
            String(body, "originatingEntity"),
            Events(body),
            Metadata(body));
    }

    private static List<MessagingEvent> Events(JsonElement body)
    {
        var events = new List<MessagingEvent>();
        if (!body.TryGetProperty("events", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return events;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new FrameProblem("body.events is not an array.");
        }

        foreach (var item in list.EnumerateArray())
        {
            var eventType = String(Object(item, "an event"), "eventType") ?? throw new FrameProblem("An event has no eventType.");
            var detail = eventType switch
            {
                "Typing" => item.TryGetProperty("typing", out var typing) ? typing : default,
                "Presence" => item.TryGetProperty("presence", out var presence) ? presence : default,
                _ => default,
            };
            events.Add(detail.ValueKind == JsonValueKind.Object
                ? new MessagingEvent(eventType, String(detail, "type"), Int(detail, "duration"))
                : new MessagingEvent(eventType, null, null));
        }

        return events;
    }

    private static Dictionary<string, string> Metadata(JsonElement body)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.TryGetProperty("metadata", out var values) && values.ValueKind == JsonValueKind.Object)
        {
            foreach (var value in values.EnumerateObject())
            {
                if (value.Value.ValueKind == JsonValueKind.String)
                {
                    metadata[value.Name] = value.Value.GetString()!;
                }
            }
        }

        return metadata;
    }

    private static JsonElement Object(JsonElement value, string what) =>
        value.ValueKind == JsonValueKind.Object ? value : throw new FrameProblem($"{what} is not an object.");

    private static string? String(JsonElement owner, string name) => Field(owner, name) switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => null,
        _ => throw new FrameProblem($"{name} is not a string."),
    };

    private static bool? Bool(JsonElement owner, string name) => Field(owner, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => null,
        _ => throw new FrameProblem($"{name} is not a boolean."),
    };

    private static int? Int(JsonElement owner, string name) => Long(owner, name) switch
    {
        null => null,
        var number and >= int.MinValue and <= int.MaxValue => (int)number,
        _ => throw new FrameProblem($"{name} is out of range."),
    };

    private static long? Long(JsonElement owner, string name) => Field(owner, name) switch
    {
        { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out var value) => value,
        { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => null,
        _ => throw new FrameProblem($"{name} is not a whole number."),
    };

    private static JsonElement Field(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var value) ? value : default;

    /// <summary>Why a frame cannot be read; caught in <see cref="Parse(ReadOnlyMemory{byte})"/>, never thrown out of it.</summary>
    private sealed class FrameProblem(string message) : Exception(message);
}
