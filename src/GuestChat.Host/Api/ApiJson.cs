using System.Text.Json;
using System.Text.Json.Serialization;
using GuestChat.Actors.Conversations;
using GuestChat.Client.Serialization;

namespace GuestChat.Host.Api;

/// <summary>
/// JSON of the service's HTTP API: camelCase, nulls left out, timestamps as the guest chat API writes
/// them, Genesys enums by their wire names (the types carry their converters) and the service's own
/// enums by name; unknown request fields refused, so a misspelt field is named rather than ignored.
/// </summary>
internal static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new WireTimestampConverter());
        options.Converters.Add(new JsonStringEnumConverter<ConversationState>(allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<ConversationEndReason>(allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<MediaRequestDecision>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
