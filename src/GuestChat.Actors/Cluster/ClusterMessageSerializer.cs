using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using GuestChat.Actors.Conversations;

namespace GuestChat.Actors.Cluster;

/// <summary>
/// The messages that travel between the nodes of a cluster (commands, questions and answers, events,
/// the directories' messages) as JSON with a manifest per type, never Akka's default serializer (which
/// writes .NET type names and cannot read back what C# collection expressions create). A message's
/// parts typed <c>object</c> or <see cref="IWithConversationKey"/> (the command an answer is about, an
/// event travelling between directories) are written with their own manifest; actor references as
/// Akka's serialized paths. Nodes of one cluster run one version of the service; no message is stored.
/// </summary>
public sealed class ClusterMessageSerializer : SerializerWithStringManifest
{
    /// <summary>Its identifier, fixed (the facts' serializer is 4711001).</summary>
    public const int Id = 4711002;

    private readonly JsonSerializerOptions _json;

    /// <summary>A serializer for this actor system (actor references resolve in it).</summary>
    public ClusterMessageSerializer(ExtendedActorSystem system)
        : base(system)
    {
        _json = new JsonSerializerOptions
        {
            Converters =
            {
                new JsonStringEnumConverter(),
                new ActorRefConverter(system),
                new KeyConverter(),
                new AnyMessageConverter<object>(),
                new AnyMessageConverter<IWithConversationKey>(),
            },
        };
    }

    /// <summary>Every type it carries, each with its manifest.</summary>
    public static IReadOnlyDictionary<string, Type> Messages { get; } =
        new[] { typeof(ConversationCommands), typeof(ConversationEvents), typeof(ConversationQueries), typeof(ConversationDirectory), typeof(Persistence.JournalCursor) }
            .SelectMany(holder => holder.GetNestedTypes().Where(t => t.IsPublic || t.IsNestedPublic).Select(t => (Manifest: $"{holder.Name}.{t.Name}", Type: t)))
            .ToDictionary(m => m.Manifest, m => m.Type);

    private static readonly Dictionary<Type, string> Manifests = Messages.ToDictionary(m => m.Value, m => m.Key);

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <inheritdoc />
    public override string Manifest(object o) => ManifestOf(o);

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _json);

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest) =>
        JsonSerializer.Deserialize(bytes, TypeOf(manifest), _json) ?? throw new SerializationException($"The message {manifest} was empty.");

    private static string ManifestOf(object message) =>
        Manifests.TryGetValue(message.GetType(), out var manifest) ? manifest : throw new SerializationException($"{message.GetType().FullName} is not a message between nodes.");

    private static Type TypeOf(string manifest) =>
        Messages.TryGetValue(manifest, out var type) ? type : throw new SerializationException($"Unknown message manifest '{manifest}' (a node of another version?).");

    /// <summary>An actor reference as its full path, resolved again on the receiving node.</summary>
    private sealed class ActorRefConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
    {
        public override bool CanConvert(Type typeToConvert) => typeof(IActorRef).IsAssignableFrom(typeToConvert);

        public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() is { } path ? system.Provider.ResolveActorRef(path) : ActorRefs.Nobody;

        public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Serialization.SerializedActorPath(value));
    }

    /// <summary>A conversation key as its text (checked again as it is read).</summary>
    private sealed class KeyConverter : JsonConverter<ConversationKey>
    {
        public override ConversationKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, ConversationKey value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }

    /// <summary>A part whose type is only known at run time: <c>{"m": manifest, "v": message}</c>.</summary>
    private sealed class AnyMessageConverter<T> : JsonConverter<T>
        where T : class
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert == typeof(T);

        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            var type = TypeOf(root.GetProperty("m").GetString() ?? "");
            return (T?)root.GetProperty("v").Deserialize(type, options);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("m", ManifestOf(value));
            writer.WritePropertyName("v");
            JsonSerializer.Serialize(writer, value, value.GetType(), options);
            writer.WriteEndObject();
        }
    }
}
