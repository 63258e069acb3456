using System.Buffers.Text;
using System.Text.Json;

namespace GuestChat.Client.Authentication;

/// <summary>
/// What a guest JWT says, read without verifying its signature (only the server can):
/// <c>{"data":{"conv","did","sub"},"org","iss","iat","exp"}</c>.
/// </summary>
public sealed record GuestJwtClaims(
    string ConversationId,
    string DeploymentId,
    string MemberId,
    string OrganizationId,
    string Issuer,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>Reads the claims of a token; false for anything that is not a well-formed guest JWT.</summary>
    public static bool TryRead(string? token, out GuestJwtClaims claims)
    {
        claims = null!;
        if (string.IsNullOrEmpty(token) || token.Length > 8192)
        {
            return false;
        }

        var first = token.IndexOf('.');
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || token.IndexOf('.', second + 1) >= 0)
        {
            return false;
        }

        try
        {
            return TryReadPayload(Base64Url.DecodeFromChars(token.AsSpan(first + 1, second - first - 1)), out claims);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Reads the claims from a decoded payload.</summary>
    public static bool TryReadPayload(ReadOnlySpan<byte> payload, out GuestJwtClaims claims)
    {
        claims = null!;
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || !TryString(data, "conv", out var conversation) || !TryString(data, "did", out var deployment)
                || !TryString(data, "sub", out var member) || !TryString(root, "org", out var organization)
                || !TryString(root, "iss", out var issuer)
                || !root.TryGetProperty("iat", out var iat) || !iat.TryGetInt64(out var issuedAt)
                || !root.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var expiresAt))
            {
                return false;
            }

            claims = new GuestJwtClaims(conversation, deployment, member, organization, issuer,
                DateTimeOffset.FromUnixTimeSeconds(issuedAt), DateTimeOffset.FromUnixTimeSeconds(expiresAt));
            return true;
        }
        catch (Exception e) when (e is JsonException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool TryString(JsonElement element, string name, out string value)
    {
        value = "";
        if (element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String)
        {
            value = property.GetString()!;
            return value.Length > 0;
        }

        return false;
    }
}
