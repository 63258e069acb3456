namespace GuestChat.Actors.EventStreams;

/// <summary>
/// The <c>eventStreamUri</c> of a chat. Its last path segment is the guest's JWT, so it prints as
/// its host only; <see cref="Reveal"/> is the one way to the full address.
/// </summary>
/// <remarks>
/// A service holds one per live chat, and a JWT is about a kilobyte: the address keeps the part
/// before the token once per host (interned) and the token itself as the very string the chat's
/// <c>GuestJwt</c> holds, so a chat carries one copy of its token, not three. The
/// <see cref="Uri"/> is made when the socket opens and dropped after.
/// </remarks>
public sealed class EventStreamAddress
{
    private readonly string _prefix;
    private readonly string _token;

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
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("ws" or "wss"))
        {
            throw NotAnAddress(nameof(uri));
        }

        token ??= parsed.Segments[^1];
        if (token.Length > 0 && uri.Length > token.Length && uri.EndsWith(token, StringComparison.Ordinal))
        {
            _prefix = string.Intern(uri[..^token.Length]);
            _token = token;
        }
        else
        {
            _prefix = uri;
            _token = "";
        }
    }

    /// <summary>The address itself, for opening the socket and nothing else.</summary>
    public Uri Reveal() => new(_prefix + _token);

    /// <summary>Replaces the token wherever <paramref name="text"/> (an exception's message) quotes it.</summary>
    public string Redact(string text) => _token.Length > 0 ? text.Replace(_token, "<token>", StringComparison.Ordinal) : text;

    /// <summary>The scheme and host, without the token.</summary>
    public override string ToString()
    {
        var uri = new Uri(_prefix);
        return $"{uri.Scheme}://{uri.Authority}/<token>";
    }

    private static ArgumentException NotAnAddress(string name) =>
        new("An event stream address is an absolute ws:// or wss:// URI.", name);
}
