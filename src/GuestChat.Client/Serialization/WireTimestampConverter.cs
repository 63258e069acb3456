using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GuestChat.Client.Serialization;

/// <summary>
/// Timestamps as the API writes them: ISO-8601 in UTC with milliseconds and a <c>Z</c>
/// (<c>2020-08-05T13:09:49.546Z</c>). Reading accepts any ISO-8601 form with an offset.
/// </summary>
public sealed class WireTimestampConverter : JsonConverter<DateTimeOffset>
{
    /// <summary>The format of every timestamp the API writes.</summary>
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Formats a timestamp the way the API does.</summary>
    public static string ToWire(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var value))
        {
            return value;
        }

        throw new WireValueException("Expected an ISO-8601 timestamp.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<byte> buffer = stackalloc byte[24];
        if (!value.UtcDateTime.TryFormat(buffer, out var written, Format, CultureInfo.InvariantCulture))
        {
            throw new JsonException("Timestamp could not be formatted.");
        }

        writer.WriteStringValue(buffer[..written]);
    }
}
