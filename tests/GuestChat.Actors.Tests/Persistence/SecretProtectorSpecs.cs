using System.Security.Cryptography;
using GuestChat.Actors.Persistence;

namespace GuestChat.Actors.Tests.Persistence;

public sealed class SecretProtectorSpecs
{
    private const string Jwt = "eyJhbGciOiJSUzI1NiJ9.eyJkYXRhIjp7ImNvbnYiOiJjLTEifX0.c2lnbmF0dXJl";

    [Fact]
    public void A_protected_jwt_reads_back_with_the_key_and_shows_nothing_of_the_token()
    {
        var protector = SecretProtector.FromBase64(SecretProtector.NewKey());
        var first = protector.Protect(Jwt);
        var second = protector.Protect(Jwt);

        Assert.Equal(Jwt, protector.Unprotect(first));
        Assert.NotEqual(first, second);
        foreach (var part in Jwt.Split('.'))
        {
            Assert.DoesNotContain(part, first, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("key", protector.ToString().Replace("key hidden", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Another_key_a_changed_byte_or_a_foreign_string_is_refused()
    {
        var protector = SecretProtector.FromBase64(SecretProtector.NewKey());
        var other = SecretProtector.FromBase64(SecretProtector.NewKey());
        var sealedJwt = protector.Protect(Jwt);
        var tampered = sealedJwt[..^2] + (sealedJwt[^2] == 'A' ? 'B' : 'A') + sealedJwt[^1];

        Assert.ThrowsAny<CryptographicException>(() => other.Unprotect(sealedJwt));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(tampered));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(Jwt));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect("v1.%%%"));
    }

    [Theory]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64!")]
    public void A_key_that_is_not_32_bytes_of_base64_is_refused(string key)
    {
        Assert.Throws<ArgumentException>(() => SecretProtector.FromBase64(key));
    }
}
