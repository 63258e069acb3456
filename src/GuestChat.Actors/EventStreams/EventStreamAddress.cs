namespace GuestChat.Actors.EventStreams;

/// <summary>
/// The <c>eventStreamUri</c> of a chat. Its last path segment is the guest's JWT, so it prints as
/// its host only; <see cref="Reveal"/> is the one way to the full address.
/// </summary>
public sealed class EventStreamAddress
{
    private readonly Uri _uri;

    /// <summary>Wraps an event-stream URI (ws or wss).</summary>
    public EventStreamAddress(Uri uri)
    {
        if (!uri.IsAbsoluteUri || uri.Scheme is not ("ws" or "wss"))
        {
            throw new ArgumentException("An event stream address is an absolute ws:// or wss:// URI.", nameof(uri));
        }

        _uri = uri;
    }

    /// <summary>The address itself, for opening the socket and nothing else.</summary>
    public Uri Reveal() => _uri;

    /// <summary>The scheme and host, without the token.</summary>
    public override string ToString() => $"{_uri.Scheme}://{_uri.Authority}/<token>";
}
