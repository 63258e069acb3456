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
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Describe(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Sets these rules on <paramref name="options"/> (also the ones the OpenAPI document is made with).</summary>
    public static void Describe(JsonSerializerOptions options)
    {
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new WireTimestampConverter());
        options.Converters.Add(new JsonStringEnumConverter<ConversationState>(allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<ConversationEndReason>(allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<MediaRequestDecision>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    }
}
