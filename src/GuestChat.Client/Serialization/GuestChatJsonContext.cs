using System.Text.Json;
using System.Text.Json.Serialization;
using GuestChat.Client.Events;
using GuestChat.Client.Models;

namespace GuestChat.Client.Serialization;

/// <summary>
/// Source-generated JSON for every wire model: camelCase, nulls left out (as the real API does),
/// timestamps with milliseconds in UTC.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    Converters = [typeof(WireTimestampConverter)])]
[JsonSerializable(typeof(CreateWebChatConversationRequest))]
[JsonSerializable(typeof(CreateWebChatConversationResponse))]
[JsonSerializable(typeof(WebChatMemberInfo))]
[JsonSerializable(typeof(WebChatMemberInfoEntityList))]
[JsonSerializable(typeof(CreateWebChatMessageRequest))]
[JsonSerializable(typeof(WebChatMessage))]
[JsonSerializable(typeof(WebChatMessageEntityList))]
[JsonSerializable(typeof(WebChatTyping))]
[JsonSerializable(typeof(WebChatGuestMediaRequest))]
[JsonSerializable(typeof(WebChatGuestMediaRequestEntityList))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(EventFrame<MemberChangeEventBody>))]
[JsonSerializable(typeof(EventFrame<MessageEventBody>))]
[JsonSerializable(typeof(EventFrame<TypingEventBody>))]
[JsonSerializable(typeof(EventFrame<HeartbeatEventBody>))]
public sealed partial class GuestChatJsonContext : JsonSerializerContext;
