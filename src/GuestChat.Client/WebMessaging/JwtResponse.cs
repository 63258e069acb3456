using System.Text;

namespace GuestChat.Client.WebMessaging;

/// <summary><c>JwtResponse</c>: the session's JWT for the history endpoint, and when it expires (seconds since the epoch). Never prints the JWT.</summary>
public sealed record JwtResponse(string Jwt, long Expires) : WebMessagingFrame
{
    /// <inheritdoc />
    protected override bool PrintMembers(StringBuilder builder)
    {
        base.PrintMembers(builder);
        builder.Append(", Jwt = (redacted), Expires = ").Append(Expires);
        return true;
    }
}
