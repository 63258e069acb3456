namespace GuestChat.Client.Authentication;

/// <summary>
/// A guest's bearer token. It prints as a description (conversation and expiry), never as the token,
/// so it can go into records, log lines and exceptions safely; <see cref="AuthorizationHeader"/>,
/// <see cref="RevealMemory"/> and <see cref="Reveal"/> are the ways out.
/// </summary>
/// <remarks>
/// It keeps the token once, as the Authorization header's value (<c>Bearer</c> and the token), the form
/// every request sends: a guest JWT is about a kilobyte, and a chat sends it with every request, so
/// neither a second copy is held nor a new header string made per request.
/// </remarks>
public readonly struct GuestJwt : IEquatable<GuestJwt>
{
    private const string Scheme = "Bearer ";
    private readonly string? _header;

    /// <summary>Wraps a token; its claims are read (not verified) when it is a guest JWT.</summary>
    public GuestJwt(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _header = Scheme + token;
        Claims = GuestJwtClaims.TryRead(token, out var claims) ? claims : null;
    }

    /// <summary>The claims, or null when the token is not a readable guest JWT.</summary>
    public GuestJwtClaims? Claims { get; }

    /// <summary>Whether this holds a token at all (default instances do not).</summary>
    public bool HasValue => _header is not null;

    /// <summary>When the token expires, when that can be read.</summary>
    public DateTimeOffset? ExpiresAt => Claims?.ExpiresAt;

    /// <summary>The Authorization header's value, <c>Bearer</c> and the token, for requests and nothing else.</summary>
    public string AuthorizationHeader => _header ?? throw new InvalidOperationException("No token.");

    /// <summary>The token itself, without a copy (a slice of <see cref="AuthorizationHeader"/>), for what keeps it beside the chat (its event-stream address).</summary>
    public ReadOnlyMemory<char> RevealMemory() => _header?.AsMemory(Scheme.Length) ?? throw new InvalidOperationException("No token.");

    /// <summary>The token itself as a new string, for a socket's handshake or the journal, and nothing else.</summary>
    public string Reveal() => _header?[Scheme.Length..] ?? throw new InvalidOperationException("No token.");

    /// <summary>Whether the token is expired at <paramref name="now"/> (unknown expiry counts as not expired).</summary>
    public bool IsExpiredAt(DateTimeOffset now) => Claims is { } claims && now >= claims.ExpiresAt;

    /// <inheritdoc />
    public bool Equals(GuestJwt other) => string.Equals(_header, other._header, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GuestJwt other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _header is null ? 0 : StringComparer.Ordinal.GetHashCode(_header);

    /// <summary>A description without the token.</summary>
    public override string ToString() => _header is null
        ? "GuestJwt(none)"
        : Claims is { } claims
            ? $"GuestJwt(conversation {claims.ConversationId}, member {claims.MemberId}, expires {claims.ExpiresAt:u})"
            : "GuestJwt(unreadable)";

    /// <summary>Equality by token.</summary>
    public static bool operator ==(GuestJwt left, GuestJwt right) => left.Equals(right);

    /// <summary>Inequality by token.</summary>
    public static bool operator !=(GuestJwt left, GuestJwt right) => !left.Equals(right);
}
