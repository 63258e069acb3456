using System.Text.Json.Serialization;
using GuestChat.Client.Serialization;

namespace GuestChat.Client.Models;

/// <summary>Where a media request stands.</summary>
[JsonConverter(typeof(WireEnumConverter<MediaRequestState>))]
public enum MediaRequestState
{
    [JsonStringEnumMemberName("PENDING")]
    Pending,

    [JsonStringEnumMemberName("ACCEPTED")]
    Accepted,

    [JsonStringEnumMemberName("DECLINED")]
    Declined,

    [JsonStringEnumMemberName("TIMEDOUT")]
    TimedOut,

    [JsonStringEnumMemberName("CANCELLED")]
    Cancelled,

    [JsonStringEnumMemberName("ERRORED")]
    Errored,
}
