using System.Text.Json;

namespace GuestChat.Client.Events;

/// <summary>
/// The ids one socket's frames keep repeating (its conversation's, its members'), kept as strings so that
/// parsing a frame (<see cref="EventStreamParser.Parse(ReadOnlySpan{byte}, RepeatedIds?)"/>) hands the
/// same string out again instead of making a new one for every frame. Holds the last few distinct ids
/// seen (a chat has its own, an agent's and a system member's); for one socket, read by one parse at a
/// time. Small on purpose: every live chat has one.
/// </summary>
public sealed class RepeatedIds
{
    private const int Kept = 4;
    private const int LongestKept = 64;
    private readonly string?[] _kept = new string?[Kept];
    private int _next;

    /// <summary>The string value the reader is on: one kept if it spells the same, else a new one (then kept).</summary>
    internal string Read(ref Utf8JsonReader reader)
    {
        foreach (var kept in _kept)
        {
            if (kept is not null && reader.ValueTextEquals(kept))
            {
                return kept;
            }
        }

        var text = reader.GetString()!;
        if (text.Length <= LongestKept)
        {
            _kept[_next] = text;
            _next = (_next + 1) % Kept;
        }

        return text;
    }
}
