namespace GuestChat.Actors.Conversations;

/// <summary>
/// The service-side name of a conversation, chosen by the caller at start, so it can be addressed
/// before Genesys has answered (and later used as the shard entity id).
/// </summary>
public readonly record struct ConversationKey
{
    /// <summary>A key; letters, digits and <c>-_.:</c> only, at most 128 characters (it becomes an actor name).</summary>
    public ConversationKey(string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 128 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            throw new ArgumentException("A conversation key is 1 to 128 letters, digits, '-', '_', '.' or ':'.", nameof(value));
        }

        Value = value;
    }

    /// <summary>The key text.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override string ToString() => Value;
}
