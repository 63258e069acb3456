using System.Text.Json.Serialization;
using GuestChat.Client.Serialization;

namespace GuestChat.Client.Models;

/// <summary>The state of a chat member.</summary>
[JsonConverter(typeof(WireEnumConverter<MemberState>))]
public enum MemberState
{
    [JsonStringEnumMemberName("ALERTING")]
    Alerting,

    [JsonStringEnumMemberName("CONNECTED")]
    Connected,

    [JsonStringEnumMemberName("DISCONNECTED")]
    Disconnected,
}
