namespace GuestChat.Actors.Conversations.State;

/// <summary>
/// The ids of the messages a chat has seen, each with its number (0 until it has one) and whether it came
/// from a POST's answer. A chat keeps one for every message it ever saw, so they are kept small: an id in
/// the form Genesys gives (a GUID, lower case, 36 characters) as its 16 bytes, with no string for the
/// collector to keep or trace (about 40 bytes an id, against 140 as a string in a dictionary); any other
/// id as its string. Two ids are the same only when their strings are.
/// </summary>
public sealed class MessageIds
{
    private readonly Dictionary<Guid, long> _guids = [];
    private Dictionary<string, long>? _others;

    /// <summary>How many ids are kept.</summary>
    public int Count => _guids.Count + (_others?.Count ?? 0);

    /// <summary>Adds an id with no number yet; false when it is kept already.</summary>
    public bool Add(string id) =>
        AsGuid(id) is { } guid ? _guids.TryAdd(guid, 0) : (_others ??= new(StringComparer.Ordinal)).TryAdd(id, 0);

    /// <summary>Whether an id is kept.</summary>
    public bool Contains(string id) =>
        AsGuid(id) is { } guid ? _guids.ContainsKey(guid) : _others?.ContainsKey(id) == true;

    /// <summary>An id's number and whether it came from a POST's answer; (0, false) for an id not kept or not numbered.</summary>
    public (long Sequence, bool Posted) Get(string id)
    {
        var packed = AsGuid(id) is { } guid ? _guids.GetValueOrDefault(guid) : _others?.GetValueOrDefault(id) ?? 0;
        return (packed >> 1, (packed & 1) == 1);
    }

    /// <summary>Keeps an id with its number.</summary>
    public void Set(string id, long sequence, bool posted)
    {
        var packed = (sequence << 1) | (posted ? 1L : 0L);
        if (AsGuid(id) is { } guid)
        {
            _guids[guid] = packed;
        }
        else
        {
            (_others ??= new(StringComparer.Ordinal))[id] = packed;
        }
    }

    /// <summary>The GUID an id is the lower-case text of, or null (an upper-case one stays a string, so that it is a different id, as its string is).</summary>
    private static Guid? AsGuid(string id)
    {
        if (id.Length != 36)
        {
            return null;
        }

        foreach (var c in id)
        {
            if (c is >= 'A' and <= 'Z')
            {
                return null;
            }
        }

        return Guid.TryParseExact(id, "D", out var guid) ? guid : null;
    }
}
