using System.Text;
using System.Text.Json;

namespace GuestChat.Client.Events;

/// <summary>
/// The ids one socket's frames keep repeating (its conversation's, its members'), kept as strings so that
/// parsing a frame (<see cref="EventStreamParser.Parse(ReadOnlySpan{byte}, RepeatedIds?)"/>) hands the
/// same string out again instead of making a new one for every frame. Holds the last few distinct ids
/// seen; for one socket, read by one parse at a time.
/// </summary>
public sealed class RepeatedIds
{
    private const int Kept = 8;
    private const int LongestKept = 64;
    private readonly (string Text, byte[] Utf8)[] _kept = new (string, byte[])[Kept];
    private int _count;
    private int _next;

    /// <summary>The string value the reader is on: one kept if it spells the same, else a new one (then kept).</summary>
    internal string Read(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var value = reader.ValueSpan;
            for (var i = 0; i < _count; i++)
            {
                if (value.SequenceEqual(_kept[i].Utf8))
                {
                    return _kept[i].Text;
                }
            }
        }

        var text = reader.GetString()!;
        if (text.Length <= LongestKept)
        {
            _kept[_next] = (text, Encoding.UTF8.GetBytes(text));
            _next = (_next + 1) % Kept;
            _count = Math.Min(_count + 1, Kept);
        }

        return text;
    }
}
