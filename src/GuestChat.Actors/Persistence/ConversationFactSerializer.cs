using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using Akka.Serialization;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// The journal's serializer for <see cref="IConversationFact"/>: JSON, one explicit manifest per shape
/// (<c>chat-created.v1</c>, ...), and no fallback. A manifest this build does not know, or a body that
/// does not read as its shape, is a <see cref="SerializationException"/> that names it, never a guess.
/// A shape is never changed once written; a new shape gets a new manifest and an upcast here.
/// </summary>
public sealed class ConversationFactSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private static readonly FactJsonContext Json = FactJsonContext.Default;

    private static readonly Dictionary<Type, Shape> ByType = new Shape[]
    {
        Shape.Of("chat-requested.v1", Json.ChatRequested),
        Shape.Of("chat-created.v1", Json.ChatCreated),
        Shape.Of("message-seen.v2", Json.MessageSeen),
        Shape.Of("member-known.v1", Json.MemberKnown),
        Shape.Of("send-intended.v1", Json.SendIntended),
        Shape.Of("send-accepted.v1", Json.SendAccepted),
        Shape.Of("send-given-up.v1", Json.SendGivenUp),
        Shape.Of("media-request-known.v1", Json.MediaRequestKnown),
        Shape.Of("chat-ended.v1", Json.ChatEnded),
        Shape.Of("conversation-opened.v1", Json.ConversationOpened),
        Shape.Of("conversation-closed.v1", Json.ConversationClosed),
        Shape.Of("registry-snapshot.v1", Json.RegistrySnapshot),
        Shape.Of("conversation-snapshot.v1", Json.ConversationSnapshot),
        Shape.Of("cursor-moved.v1", Json.CursorMoved),
    }.ToDictionary(s => s.Type);

    /// <summary>Shapes an earlier build wrote, read as the current one (and written as it from then on).</summary>
    private static readonly Shape[] Earlier =
    [
        // v2 added "told"; a v1 message has none (its journal tag said whether it was told).
        Shape.Of("message-seen.v1", Json.MessageSeen),
    ];

    private static readonly Dictionary<string, Shape> ByManifest = ByType.Values.Concat(Earlier).ToDictionary(s => s.Manifest, StringComparer.Ordinal);

    /// <summary>The identifier Akka stores beside each event; fixed for good.</summary>
    public const int Id = 4_711_001;

    /// <inheritdoc />
    public override int Identifier => Id;

    /// <summary>Every manifest this build writes.</summary>
    public static IReadOnlyCollection<string> Manifests => [.. ByType.Values.Select(s => s.Manifest)];

    /// <summary>Every manifest this build reads as one of <paramref name="types"/>, earlier shapes too.</summary>
    public static IReadOnlyCollection<string> ManifestsOf(params Type[] types) =>
        [.. ByManifest.Values.Where(s => types.Contains(s.Type)).Select(s => s.Manifest)];

    /// <summary>The manifests of earlier shapes this build still reads.</summary>
    public static IReadOnlyCollection<string> EarlierManifests => [.. Earlier.Select(s => s.Manifest)];

    /// <inheritdoc />
    public override string Manifest(object o) => ShapeOf(o).Manifest;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => ShapeOf(obj).Write(obj);

    /// <summary>The same bytes as <see cref="ToBinary"/>, written into <paramref name="writer"/> (a journal writing many facts reuses its buffer).</summary>
    public static void WriteTo(object fact, Utf8JsonWriter writer) => ShapeOf(fact).WriteTo(fact, writer);

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest) => Read(bytes, manifest);

    /// <summary>The same as <see cref="FromBinary"/>, from bytes where they lie (a reader of the journal's rows needs no array of its own).</summary>
    public static object Read(ReadOnlySpan<byte> bytes, string manifest)
    {
        if (!ByManifest.TryGetValue(manifest, out var shape))
        {
            throw new SerializationException($"Unknown conversation fact manifest '{manifest}'; this build reads {string.Join(", ", ByManifest.Keys)}.");
        }

        try
        {
            return shape.Read(bytes) ?? throw new SerializationException($"The {manifest} fact is empty.");
        }
        catch (JsonException e)
        {
            throw new SerializationException($"The {manifest} fact does not read as its shape: {e.Message}", e);
        }
    }

    private static Shape ShapeOf(object o) =>
        ByType.GetValueOrDefault(o.GetType()) ?? throw new SerializationException($"{o.GetType().Name} is not a conversation fact this serializer writes.");

    private delegate object? ReadFrom(ReadOnlySpan<byte> bytes);

    private sealed record Shape(string Manifest, Type Type, Func<object, byte[]> Write, Action<object, Utf8JsonWriter> WriteTo, ReadFrom Read)
    {
        public static Shape Of<T>(string manifest, JsonTypeInfo<T> info) where T : class, IConversationFact =>
            new(manifest, typeof(T), o => JsonSerializer.SerializeToUtf8Bytes((T)o, info), (o, w) => JsonSerializer.Serialize(w, (T)o, info), b => JsonSerializer.Deserialize(b, info));
    }
}
