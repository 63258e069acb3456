using System.Text.Json;
using System.Text.Json.Serialization;
using GuestChat.Client.Models;
using GuestChat.Client.Serialization;
using GuestChat.Emulator.Options;

namespace GuestChat.Emulator.Control;

/// <summary>Source-generated JSON of the control API.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    Converters = [typeof(WireTimestampConverter)])]
[JsonSerializable(typeof(ConversationSnapshot))]
[JsonSerializable(typeof(List<ConversationSnapshot>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(IReadOnlyList<SentFrame>))]
[JsonSerializable(typeof(FaultSettings))]
[JsonSerializable(typeof(FaultOptions))]
[JsonSerializable(typeof(EmulatorInfo))]
[JsonSerializable(typeof(AgentMessageCommand))]
[JsonSerializable(typeof(AgentsSpeakCommand))]
[JsonSerializable(typeof(AgentsSpoke))]
[JsonSerializable(typeof(MediaRequestCommand))]
[JsonSerializable(typeof(SignedDataRequest))]
[JsonSerializable(typeof(SignedDataResponse))]
[JsonSerializable(typeof(SocketsDropped))]
[JsonSerializable(typeof(WebChatMessage))]
[JsonSerializable(typeof(WebChatGuestMediaRequest))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
