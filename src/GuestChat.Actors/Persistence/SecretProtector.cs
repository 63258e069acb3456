using System.Security.Cryptography;
using System.Text;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// Protects a secret at rest (the guest's JWT in the journal) with AES-256-GCM under a key from
/// configuration: <c>v1.</c> + base64url(nonce ‖ tag ‖ ciphertext). Tampering, a wrong key or a foreign
/// string fails loudly; nothing here ever prints the secret or the key.
/// </summary>
public sealed class SecretProtector
{
    private const string Version = "v1.";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    /// <summary>A protector for a 32-byte key.</summary>
    public SecretProtector(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException($"The key must be 32 bytes (256 bits), not {key.Length}.", nameof(key));
        }

        _key = [.. key];
    }

    /// <summary>A protector for a key given as base64 (what configuration holds).</summary>
    public static SecretProtector FromBase64(string key)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            throw new ArgumentException("The key is not base64.", nameof(key));
        }

        return new SecretProtector(bytes);
    }

    /// <summary>A new random key, base64, for configuration.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The secret, encrypted and authenticated.</summary>
    public string Protect(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize));
        return Version + Base64Url(sealedBytes);
    }

    /// <summary>The secret back; throws <see cref="CryptographicException"/> when it was not protected with this key or was changed.</summary>
    public string Unprotect(string protectedSecret)
    {
        if (!protectedSecret.StartsWith(Version, StringComparison.Ordinal))
        {
            throw new CryptographicException("Not a protected secret of a version this build reads.");
        }

        byte[] sealedBytes;
        try
        {
            sealedBytes = FromBase64Url(protectedSecret[Version.Length..]);
        }
        catch (FormatException e)
        {
            throw new CryptographicException("The protected secret is damaged.", e);
        }

        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The protected secret is too short.");
        }

        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain);
        return Encoding.UTF8.GetString(plain);
    }

    /// <inheritdoc />
    public override string ToString() => "SecretProtector(AES-256-GCM, key hidden)";

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
