using System.Text.Json.Serialization;

namespace GuestChat.Actors.Persistence;

/// <summary>Source-generated JSON for the journaled facts: camelCase, enums by name, nulls left out (<see cref="MessageSeen"/> by hand, the same way: <see cref="MessageSeenJson"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    Converters = [typeof(MessageSeenJson)])]
[JsonSerializable(typeof(ChatRequested))]
[JsonSerializable(typeof(ChatCreated))]
[JsonSerializable(typeof(MessageSeen))]
[JsonSerializable(typeof(MemberKnown))]
[JsonSerializable(typeof(SendIntended))]
[JsonSerializable(typeof(SendAccepted))]
[JsonSerializable(typeof(SendGivenUp))]
[JsonSerializable(typeof(MediaRequestKnown))]
[JsonSerializable(typeof(ChatEnded))]
[JsonSerializable(typeof(ConversationOpened))]
[JsonSerializable(typeof(ConversationClosed))]
[JsonSerializable(typeof(RegistrySnapshot))]
[JsonSerializable(typeof(ConversationSnapshot))]
[JsonSerializable(typeof(CursorMoved))]
internal sealed partial class FactJsonContext : JsonSerializerContext;
