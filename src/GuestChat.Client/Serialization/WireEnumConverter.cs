using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GuestChat.Client.Serialization;

/// <summary>
/// Reads and writes an enum as the exact string the guest chat API uses (<c>member-join</c>,
/// <c>CONNECTED</c>), matching case-insensitively on read like the real servers did. Numbers and
/// unknown names are refused with a <see cref="WireValueException"/> that names the allowed values.
/// </summary>
public sealed class WireEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<string, TEnum> ByName;
    private static readonly FrozenDictionary<string, TEnum>.AlternateLookup<ReadOnlySpan<char>> ByNameSpan;
    private static readonly int LongestName;
    private static readonly FrozenDictionary<TEnum, JsonEncodedText> ByValue;

    static WireEnumConverter()
    {
        var byName = new Dictionary<string, TEnum>(StringComparer.OrdinalIgnoreCase);
        var byValue = new Dictionary<TEnum, JsonEncodedText>();
        foreach (var field in typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var value = (TEnum)field.GetValue(null)!;
            var name = field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? field.Name;
            byName[name] = value;
            byValue[value] = JsonEncodedText.Encode(name);
        }

        ByName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        ByNameSpan = ByName.GetAlternateLookup<ReadOnlySpan<char>>();
        LongestName = byName.Keys.Max(k => k.Length);
        ByValue = byValue.ToFrozenDictionary();
        AllowedValues = string.Join(", ", byValue.Values.Select(v => v.Value));
        WireNames = [.. byValue.Values.Select(v => v.Value)];
    }

    /// <summary>The wire names, as the API writes them (a reader can hand these out rather than a new string each time).</summary>
    public static IReadOnlyList<string> WireNames { get; }

    /// <summary>The wire names, comma separated, for error messages.</summary>
    public static string AllowedValues { get; }

    /// <summary>The wire name of a value.</summary>
    public static string WireName(TEnum value) => ByValue[value].Value;

    /// <summary>Parses a wire name (case-insensitive).</summary>
    public static bool TryParse(string? text, out TEnum value)
    {
        if (text is not null && ByName.TryGetValue(text, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <inheritdoc />
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new WireValueException($"Expected a string, one of: {AllowedValues}.");
        }

        // A known name is looked up from the characters on the stack: no string for a value read thousands of times a second.
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length <= LongestName * 4)
        {
            Span<char> name = stackalloc char[LongestName * 4];
            if (ByNameSpan.TryGetValue(name[..reader.CopyString(name)], out var known))
            {
                return known;
            }
        }

        var text = reader.GetString();
        return TryParse(text, out var value)
            ? value
            : throw new WireValueException($"{text} is not one of: {AllowedValues}.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        if (!ByValue.TryGetValue(value, out var name))
        {
            throw new JsonException($"{typeof(TEnum).Name} value {value} has no wire name.");
        }

        writer.WriteStringValue(name);
    }
}
