using System.Buffers;
using System.Text;

namespace GuestChat.Client.Serialization;

/// <summary>Reading a websocket text frame given as a string with a parser of UTF-8: the size limit first, then the bytes in a pooled buffer.</summary>
internal static class TextFrames
{
    /// <summary>Encodes <paramref name="frame"/> into a pooled buffer and reads it with <paramref name="parse"/>; one over <paramref name="maxBytes"/> characters is <paramref name="tooLarge"/> unread.</summary>
    public static T Parse<T>(string frame, int maxBytes, Func<byte[], int, T> parse, Func<int, T> tooLarge)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Length > maxBytes)
        {
            return tooLarge(frame.Length);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(frame.Length));
        try
        {
            return parse(buffer, Encoding.UTF8.GetBytes(frame, buffer));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
