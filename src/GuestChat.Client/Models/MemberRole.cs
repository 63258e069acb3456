using System.Text.Json.Serialization;
using GuestChat.Client.Serialization;

namespace GuestChat.Client.Models;

/// <summary>The role of a chat member.</summary>
[JsonConverter(typeof(WireEnumConverter<MemberRole>))]
public enum MemberRole
{
    [JsonStringEnumMemberName("AGENT")]
    Agent,

    [JsonStringEnumMemberName("CUSTOMER")]
    Customer,

    [JsonStringEnumMemberName("WORKFLOW")]
    Workflow,

    [JsonStringEnumMemberName("ACD")]
    Acd,
}
