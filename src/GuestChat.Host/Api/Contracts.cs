using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using GuestChat.Client.Models;
using GuestChat.Host.Amqp;

namespace GuestChat.Host.Api;

/// <summary>
/// The JSON Schemas of what integrators exchange with the service: the message queue's command bodies,
/// the events (the same on the event exchange and in the server-sent-events feeds), and the error body.
/// Made from the very types the service reads and writes, with its JSON options, so they cannot drift;
/// <c>docs/schemas</c> holds them as files (<c>serve</c>'s sibling verb <c>schemas DIR</c> writes them, and a
/// test checks the files are current and that real messages validate against them).
/// </summary>
internal static class Contracts
{
    private const string Draft = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>Every schema, by file name.</summary>
    public static IReadOnlyList<(string File, JsonObject Schema)> Schemas()
    {
        var schemas = new List<(string, JsonObject)>
        {
            Schema("command.chat.start.schema.json", typeof(ChatRequests.CreateChat), "The body of a chat.start command (and of POST /chats); the key is the x-chat-key header's."),
            Schema("command.chat.send.schema.json", typeof(ChatRequests.SendMessage), "The body of a chat.send command (and of POST /chats/{key}/messages); its message_id is its client message id."),
            Schema("command.chat.media-answer.schema.json", typeof(QueueCommand.MediaAnswerBody), "The body of a chat.media-answer command."),
            Schema("command.chat.typing.schema.json", typeof(QueueCommand.NoBody), "The body of a chat.typing command: empty, or an empty object."),
            Schema("command.chat.end.schema.json", typeof(QueueCommand.NoBody), "The body of a chat.end command: empty, or an empty object."),
            Schema("error.schema.json", typeof(ErrorBody), "An error: the HTTP API's answer, and the x-guestchat-error header of a dead-lettered command."),
        };
        schemas.AddRange(EventViews.Shapes.Select(s => Schema($"event.{s.Name}.schema.json", s.Shape, $"The data of a {s.Name} event (SSE event name {s.Name}; routing key chat.{s.Name})."))); 
        return schemas;
    }

    /// <summary>Writes every schema into <paramref name="folder"/>, as the files are kept in <c>docs/schemas</c>.</summary>
    public static void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (file, schema) in Schemas())
        {
            File.WriteAllText(Path.Combine(folder, file), Text(schema));
        }
    }

    /// <summary>A schema as its file holds it.</summary>
    public static string Text(JsonObject schema) => schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    /// <summary>
    /// What the exporter cannot see: types written by a converter of the service's own (timestamps as the
    /// guest chat API writes them, Genesys enums by their wire names), and that a property whose value
    /// may be null is left out when null (so it is not required).
    /// </summary>
    private static JsonNode Refine(Type type, JsonNode node)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        var shown = underlying ?? type;
        JsonNode StringType() => underlying is null ? "string" : new JsonArray("string", "null");
        if (shown == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = StringType(), ["format"] = "date-time" };
        }

        if (shown.IsEnum && shown.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonConverterAttribute), false).FirstOrDefault() is System.Text.Json.Serialization.JsonConverterAttribute { ConverterType: { IsGenericType: true } converter }
            && converter.GetGenericTypeDefinition() == typeof(GuestChat.Client.Serialization.WireEnumConverter<>))
        {
            var wireName = converter.GetMethod("WireName")!;
            var names = new JsonArray([.. Enum.GetValues(shown).Cast<object>().Select(v => (JsonNode)(string)wireName.Invoke(null, [v])!)]);
            if (underlying is not null)
            {
                names.Add(null);
            }

            return new JsonObject { ["type"] = StringType(), ["enum"] = names };
        }

        if (node is JsonObject { } shape && shape["required"] is JsonArray required && shape["properties"] is JsonObject properties)
        {
            foreach (var name in required.Select(r => r!.GetValue<string>()).ToList())
            {
                if (MayBeNull(properties[name]))
                {
                    required.Remove(required.First(r => r!.GetValue<string>() == name));
                }
            }

            if (required.Count == 0)
            {
                shape.Remove("required");
            }
        }

        return node;
    }

    private static bool MayBeNull(JsonNode? schema) => schema switch
    {
        JsonObject { } shape when shape["type"] is JsonArray types => types.Any(t => t?.GetValue<string>() == "null"),
        JsonObject { } shape when shape["enum"] is JsonArray values => values.Any(v => v is null),
        JsonValue value when value.TryGetValue<bool>(out var any) => any,
        _ => false,
    };

    private static (string, JsonObject) Schema(string file, Type type, string description)
    {
        var exported = JsonSchemaExporter.GetJsonSchemaAsNode(ApiJson.Options, type, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => Refine(context.TypeInfo.Type, node),
        }).AsObject();
        var schema = new JsonObject { ["$schema"] = Draft, ["$id"] = $"https://guestchat.actors/schemas/{file}", ["title"] = file.Replace(".schema.json", "", StringComparison.Ordinal), ["description"] = description };
        foreach (var (name, value) in exported.ToList())
        {
            exported.Remove(name);
            schema[name] = value;
        }

        return (file, schema);
    }
}
