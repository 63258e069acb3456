using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GuestChat.Client.Models;
using GuestChat.Client.WebMessaging;

namespace GuestChat.Actors.EventStreams;

/// <summary>
/// What a Web Messaging chat's transport knows of it beside its socket, shared with the socket actor: its
/// guest, the members met (agents and bots, known by nickname; this API has no member look-ups), the
/// history's JWT, the deployment, when the guest last typed, and whether the chat was seen to end.
/// </summary>
public sealed class MessagingChat
{
    private readonly ConcurrentDictionary<string, (MemberRole Role, string? Nickname)> _seen = new(StringComparer.Ordinal);

    /// <summary>The guest's member id (the guest's own messages are its); set when its socket opens.</summary>
    public string GuestMemberId { get; set; } = "";

    /// <summary>The session's JWT for the history endpoint, the last one a socket gave (it outlives the socket).</summary>
    public JwtResponse? Jwt { get; set; }

    /// <summary>The deployment the chat's sessions open on (for a request that must go while its socket is down).</summary>
    public string? DeploymentId { get; set; }

    /// <summary>When the guest's typing indicator last went.</summary>
    public DateTimeOffset? LastTyping { get; set; }

    /// <summary>Whether the chat was seen to end (it is then forgotten with its socket).</summary>
    public bool Over { get; set; }

    /// <summary>Since when the chat has had no socket (null while one is open): a chat long without one is forgotten.</summary>
    public DateTimeOffset? SocketGoneAt { get; set; }

    /// <summary>The id a member known only by its nickname gets on this API (an agent; a bot or flow is the workflow): the same on every socket and after a restart.</summary>
    public static string MemberIdOf(MemberRole role, string? nickname)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"web-messaging:{role}:{nickname}"));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    /// <summary>Who sent a message that is not the guest's: its id and role (<c>originatingEntity</c> Bot is a workflow, else an agent).</summary>
    public static (string Id, MemberRole Role) SenderOf(StructuredMessage message)
    {
        var role = string.Equals(message.OriginatingEntity, "Bot", StringComparison.Ordinal) ? MemberRole.Workflow : MemberRole.Agent;
        return (MemberIdOf(role, message.SenderNickname), role);
    }

    /// <summary>Notes a member met in a message.</summary>
    public void Saw(string id, MemberRole role, string? nickname) => _seen[id] = (role, nickname);

    /// <summary>A member met before, if any.</summary>
    public (MemberRole Role, string? Nickname)? Find(string id) => _seen.TryGetValue(id, out var member) ? member : null;

    /// <summary>Every member met.</summary>
    public IReadOnlyList<(string Id, MemberRole Role, string? Nickname)> All => [.. _seen.Select(pair => (pair.Key, pair.Value.Role, pair.Value.Nickname))];
}
