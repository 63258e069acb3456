namespace GuestChat.Client.Authentication;

/// <summary>
/// A guest's bearer token. It prints as a description (conversation and expiry), never as the token,
/// so it can go into records, log lines and exceptions safely; <see cref="Reveal"/> is the one way out.
/// </summary>
public readonly struct GuestJwt : IEquatable<GuestJwt>
{
    private readonly string? _token;

    /// <summary>Wraps a token; its claims are read (not verified) when it is a guest JWT.</summary>
    public GuestJwt(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _token = token;
        Claims = GuestJwtClaims.TryRead(token, out var claims) ? claims : null;
    }

    /// <summary>The claims, or null when the token is not a readable guest JWT.</summary>
    public GuestJwtClaims? Claims { get; }

    /// <summary>Whether this holds a token at all (default instances do not).</summary>
    public bool HasValue => _token is not null;

    /// <summary>When the token expires, when that can be read.</summary>
    public DateTimeOffset? ExpiresAt => Claims?.ExpiresAt;

    /// <summary>The token itself, for the Authorization header and nothing else.</summary>
    public string Reveal() => _token ?? throw new InvalidOperationException("No token.");

    /// <summary>Whether the token is expired at <paramref name="now"/> (unknown expiry counts as not expired).</summary>
    public bool IsExpiredAt(DateTimeOffset now) => Claims is { } claims && now >= claims.ExpiresAt;

    /// <inheritdoc />
    public bool Equals(GuestJwt other) => string.Equals(_token, other._token, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GuestJwt other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _token is null ? 0 : StringComparer.Ordinal.GetHashCode(_token);

    /// <summary>A description without the token.</summary>
    public override string ToString() => _token is null
        ? "GuestJwt(none)"
        : Claims is { } claims
            ? $"GuestJwt(conversation {claims.ConversationId}, member {claims.MemberId}, expires {claims.ExpiresAt:u})"
            : "GuestJwt(unreadable)";

    /// <summary>Equality by token.</summary>
    public static bool operator ==(GuestJwt left, GuestJwt right) => left.Equals(right);

    /// <summary>Inequality by token.</summary>
    public static bool operator !=(GuestJwt left, GuestJwt right) => !left.Equals(right);
}
