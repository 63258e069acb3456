namespace GuestChat.Actors.EventStreams;

/// <summary>
/// The <c>eventStreamUri</c> of a chat. Its last path segment is the guest's JWT, so it prints as
/// its host only; <see cref="Reveal"/> is the one way to the full address.
/// </summary>
/// <remarks>
/// A service holds one per live chat, and a JWT is about a kilobyte: the address keeps the part
/// before the token once per host (interned) and the token itself as a slice of the very string the
/// chat's <c>GuestJwt</c> holds, so a chat carries one copy of its token, not three. The
/// <see cref="Uri"/> is made when the socket opens and dropped after.
/// </remarks>
public sealed class EventStreamAddress
{
    private readonly string _prefix;
    private readonly ReadOnlyMemory<char> _token;

    /// <summary>Wraps an event-stream URI (ws or wss).</summary>
    public EventStreamAddress(Uri uri)
        : this(uri.IsAbsoluteUri ? uri.OriginalString : throw NotAnAddress(nameof(uri)))
    {
    }

    /// <summary>
    /// Wraps an event-stream URI (ws or wss); when it ends with <paramref name="token"/> (the chat's
    /// JWT, as Genesys makes them), that string is kept instead of a copy of it.
    /// </summary>
    public EventStreamAddress(string uri, string? token = null)
        : this(uri, token?.AsMemory())
    {
    }

    /// <summary>
    /// Wraps a chat's event-stream URI (ws or wss); when it ends with the chat's token, the address keeps
    /// the slice of <paramref name="jwt"/>'s own string instead of a copy.
    /// </summary>
    public EventStreamAddress(string uri, GuestChat.Client.Authentication.GuestJwt jwt)
        : this(uri, jwt.HasValue ? jwt.RevealMemory() : null)
    {
    }

    private EventStreamAddress(string uri, ReadOnlyMemory<char>? token)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("ws" or "wss"))
        {
            throw NotAnAddress(nameof(uri));
        }

        var last = token ?? parsed.Segments[^1].AsMemory();
        if (last.Length > 0 && uri.Length > last.Length && uri.AsSpan().EndsWith(last.Span, StringComparison.Ordinal))
        {
            _prefix = string.Intern(uri[..^last.Length]);
            _token = last;
        }
        else
        {
            _prefix = uri;
            _token = ReadOnlyMemory<char>.Empty;
        }
    }

    /// <summary>The address itself, for opening the socket and nothing else.</summary>
    public Uri Reveal() => new(string.Concat(_prefix.AsSpan(), _token.Span));

    /// <summary>Replaces the token wherever <paramref name="text"/> (an exception's message) quotes it.</summary>
    public string Redact(string text) => _token.Length > 0 ? text.Replace(_token.ToString(), "<token>", StringComparison.Ordinal) : text;

    /// <summary>The scheme and host, without the token.</summary>
    public override string ToString()
    {
        var uri = new Uri(_prefix);
        return $"{uri.Scheme}://{uri.Authority}/<token>";
    }

    private static ArgumentException NotAnAddress(string name) =>
        new("An event stream address is an absolute ws:// or wss:// URI.", name);
}
