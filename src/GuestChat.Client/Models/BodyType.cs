using System.Text.Json.Serialization;
using GuestChat.Client.Serialization;

namespace GuestChat.Client.Models;

/// <summary>What a message body holds.</summary>
[JsonConverter(typeof(WireEnumConverter<BodyType>))]
public enum BodyType
{
    [JsonStringEnumMemberName("standard")]
    Standard,

    [JsonStringEnumMemberName("notice")]
    Notice,

    [JsonStringEnumMemberName("member-join")]
    MemberJoin,

    [JsonStringEnumMemberName("member-leave")]
    MemberLeave,

    [JsonStringEnumMemberName("media-request")]
    MediaRequest,
}
