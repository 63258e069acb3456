using System.Text.Json.Serialization;
using GuestChat.Client.Serialization;

namespace GuestChat.Client.Models;

/// <summary>The media a media request asks for.</summary>
[JsonConverter(typeof(WireEnumConverter<MediaType>))]
public enum MediaType
{
    [JsonStringEnumMemberName("COBROWSE")]
    Cobrowse,

    [JsonStringEnumMemberName("SCREENSHARE")]
    Screenshare,
}
