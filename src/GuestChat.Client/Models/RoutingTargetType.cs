using System.Text.Json.Serialization;
using GuestChat.Client.Serialization;

namespace GuestChat.Client.Models;

/// <summary>How a chat is routed.</summary>
[JsonConverter(typeof(WireEnumConverter<RoutingTargetType>))]
public enum RoutingTargetType
{
    [JsonStringEnumMemberName("QUEUE")]
    Queue,
}
