using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GuestChat.Client.Authentication;

namespace GuestChat.Emulator.Security;

/// <summary>
/// Issues and checks RS256 JWTs shaped like the real guest tokens:
/// <c>{"data":{"conv","did","sub"},"org","iss":"urn:purecloud:webchat","iat","exp"}</c>.
/// Also signs and checks the <c>memberAuthToken</c> of authenticated guests. The key is made at start.
/// </summary>
public sealed class TokenService : IDisposable
{
    /// <summary>The issuer of guest tokens.</summary>
    public const string GuestIssuer = "urn:purecloud:webchat";

    /// <summary>The issuer of signed data (<c>memberAuthToken</c>).</summary>
    public const string SignedDataIssuer = "urn:purecloud:signeddata";

    private readonly RSA _key = RSA.Create(2048);
    private readonly TimeProvider _time;
    private readonly byte[] _encodedHeader;

    /// <summary>Makes a fresh signing key.</summary>
    public TokenService(TimeProvider time)
    {
        _time = time;
        KeyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        _encodedHeader = Base64Url.EncodeToUtf8(
            Encoding.UTF8.GetBytes($$"""{"alg":"RS256","kid":"{{KeyId}}","typ":"JWT"}"""));
    }

    /// <summary>The <c>kid</c> of every token this service signs.</summary>
    public string KeyId { get; }

    /// <summary>Issues the JWT of a new guest.</summary>
    public string IssueGuestToken(string conversationId, string deploymentId, string memberId, string organizationId, TimeSpan lifetime)
    {
        var now = _time.GetUtcNow();
        return Sign(writer =>
        {
            writer.WriteStartObject("data");
            writer.WriteString("conv", conversationId);
            writer.WriteString("did", deploymentId);
            writer.WriteString("sub", memberId);
            writer.WriteEndObject();
            writer.WriteString("org", organizationId);
            writer.WriteString("iss", GuestIssuer);
            writer.WriteNumber("iat", now.ToUnixTimeSeconds());
            writer.WriteNumber("exp", (now + lifetime).ToUnixTimeSeconds());
        });
    }

    /// <summary>Signs data for an authenticated guest, as <c>POST /api/v2/signeddata</c> would.</summary>
    public string IssueSignedData(string organizationId, IReadOnlyDictionary<string, string> data, TimeSpan lifetime)
    {
        var now = _time.GetUtcNow();
        return Sign(writer =>
        {
            writer.WriteStartObject("data");
            foreach (var (key, value) in data)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteString("org", organizationId);
            writer.WriteString("iss", SignedDataIssuer);
            writer.WriteNumber("iat", now.ToUnixTimeSeconds());
            writer.WriteNumber("exp", (now + lifetime).ToUnixTimeSeconds());
        });
    }

    /// <summary>
    /// Reads a guest token. <paramref name="isIssued"/> tells whether a token is exactly the one a
    /// conversation was given, which spares the signature check on the hot path.
    /// </summary>
    public TokenCheck CheckGuestToken(string token, Func<GuestJwtClaims, string, bool> isIssued, out GuestJwtClaims? claims)
    {
        claims = null;
        if (!TryDecode(token, out var payload, out var signedPart, out var signature))
        {
            return TokenCheck.BadCredentials;
        }

        if (!GuestJwtClaims.TryReadPayload(payload, out var read) || read.Issuer != GuestIssuer)
        {
            return TokenCheck.BadCredentials;
        }

        if (!isIssued(read, token) && !Verify(signedPart, signature))
        {
            return TokenCheck.BadCredentials;
        }

        claims = read;
        return _time.GetUtcNow() >= read.ExpiresAt ? TokenCheck.Expired : TokenCheck.Valid;
    }

    /// <summary>Checks a <c>memberAuthToken</c>: signed by us as signed data, for this organization, not expired.</summary>
    public bool IsValidSignedData(string token, string organizationId)
    {
        if (!TryDecode(token, out var payload, out var signedPart, out var signature) || !Verify(signedPart, signature))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("iss", out var iss) && iss.ValueEquals(SignedDataIssuer)
                && root.TryGetProperty("org", out var org) && org.ValueEquals(organizationId)
                && root.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var expSeconds)
                && _time.GetUtcNow().ToUnixTimeSeconds() < expSeconds;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    private string Sign(Action<Utf8JsonWriter> writeClaims)
    {
        var payload = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writeClaims(writer);
            writer.WriteEndObject();
        }

        var encodedPayload = Base64Url.EncodeToUtf8(payload.WrittenSpan);
        var signed = new byte[_encodedHeader.Length + 1 + encodedPayload.Length];
        _encodedHeader.CopyTo(signed, 0);
        signed[_encodedHeader.Length] = (byte)'.';
        encodedPayload.CopyTo(signed, _encodedHeader.Length + 1);
        var signature = _key.SignData(signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{Encoding.ASCII.GetString(signed)}.{Base64Url.EncodeToString(signature)}";
    }

    private bool Verify(ReadOnlySpan<byte> signedPart, ReadOnlySpan<byte> signature) =>
        signature.Length == _key.KeySize / 8
        && _key.VerifyData(signedPart, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    private bool TryDecode(string token, out byte[] payload, out byte[] signedPart, out byte[] signature)
    {
        payload = signedPart = signature = [];
        if (token.Length is 0 or > 8192)
        {
            return false;
        }

        var first = token.IndexOf('.');
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || second == token.Length - 1 || token.IndexOf('.', second + 1) >= 0)
        {
            return false;
        }

        try
        {
            var header = Base64Url.DecodeFromChars(token.AsSpan(0, first));
            if (!HeaderIsOurs(header))
            {
                return false;
            }

            payload = Base64Url.DecodeFromChars(token.AsSpan(first + 1, second - first - 1));
            signature = Base64Url.DecodeFromChars(token.AsSpan(second + 1));
            signedPart = Encoding.ASCII.GetBytes(token, 0, second);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private bool HeaderIsOurs(byte[] header)
    {
        try
        {
            using var document = JsonDocument.Parse(header);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("alg", out var alg) && alg.ValueEquals("RS256")
                && root.TryGetProperty("kid", out var kid) && kid.ValueEquals(KeyId);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
