using System.Text.Json;

namespace GuestChat.Emulator.WebMessaging;

/// <summary>
/// One request a guest sent on a Web Messaging socket, read as far as the emulator acts on it. Every
/// field is optional here; what an action needs and lacks is answered with 4020 by the session.
/// </summary>
internal sealed record MessagingRequest(
    string? Action,
    string? Token,
    string? TracingId,
    string? DeploymentId,
    bool StartNew,
    bool CloseAllConnections,
    string? MessageType,
    string? Text,
    IReadOnlyList<(string EventType, string? Type)> Events,
    int? CustomAttributesBytes)
{
    /// <summary>Reads one text frame; null when it is not a JSON object (the answer is 400 "Request failed.").</summary>
    public static MessagingRequest? Read(ReadOnlySpan<byte> frame)
    {
        try
        {
            using var document = JsonDocument.Parse(frame.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? text = null, messageType = null;
            int? attributesBytes = null;
            var events = new List<(string, string?)>();
            if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
            {
                messageType = String(message, "type");
                text = String(message, "text");
                if (message.TryGetProperty("events", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in list.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.Object && String(item, "eventType") is { } eventType)
                        {
                            var detail = item.TryGetProperty(char.ToLowerInvariant(eventType[0]) + eventType[1..], out var body) && body.ValueKind == JsonValueKind.Object ? String(body, "type") : null;
                            events.Add((eventType, detail));
                        }
                    }
                }

                if (message.TryGetProperty("channel", out var channel) && channel.ValueKind == JsonValueKind.Object
                    && channel.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                    && metadata.TryGetProperty("customAttributes", out var attributes))
                {
                    attributesBytes = System.Text.Encoding.UTF8.GetByteCount(attributes.GetRawText());
                }
            }

            return new MessagingRequest(
                String(root, "action"),
                String(root, "token"),
                String(root, "tracingId"),
                String(root, "deploymentId"),
                Bool(root, "startNew"),
                Bool(root, "closeAllConnections"),
                messageType,
                text,
                events,
                attributesBytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Bool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
