using System.Security.Cryptography;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// How conversations use their journal: whether they write their facts at all (not for the in-memory
/// provider, where nothing could survive anyway, so <c>run</c> pays nothing for it), and the key that
/// protects each chat's JWT at rest.
/// </summary>
public sealed class ConversationJournal
{
    private ConversationJournal(bool durable, SecretProtector secrets)
    {
        Durable = durable;
        Secrets = secrets;
    }

    /// <summary>Nothing is written; recovery finds nothing.</summary>
    public static ConversationJournal InMemory { get; } = new(durable: false, new SecretProtector(RandomNumberGenerator.GetBytes(32)));

    /// <summary>Whether facts are written, so a restarted service resumes its chats.</summary>
    public bool Durable { get; }

    /// <summary>Encrypts and decrypts the JWT in the journal.</summary>
    public SecretProtector Secrets { get; }

    /// <summary>The journal for these settings (validated: a database provider has a key).</summary>
    public static ConversationJournal For(JournalSettings settings) =>
        settings.Provider == PersistenceProvider.None ? InMemory : new ConversationJournal(durable: true, SecretProtector.FromBase64(settings.JwtKey!));
}
