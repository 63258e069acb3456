using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Actors.Conversations.State;

/// <summary>
/// The chat's other members as the conversation knows them: resolved once (role and name from
/// <c>GET /members/{id}</c>), their states as member-change frames tell them, which agents are
/// connected, and which look-ups are on their way. Deterministic and free of I/O.
/// </summary>
public sealed class MemberDirectory
{
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);
    private readonly HashSet<string> _connectedAgents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MemberState> _lastTold = new(StringComparer.Ordinal);

    /// <summary>Every member resolved so far.</summary>
    public IReadOnlyCollection<Member> Members => _members.Values;

    /// <summary>Whether any agent is connected (the chat is Active rather than Queued).</summary>
    public bool AgentConnected => _connectedAgents.Count > 0;

    /// <summary>The member with this id, when resolved.</summary>
    public Member? Find(string memberId) => _members.GetValueOrDefault(memberId);

    /// <summary>True when the member is unknown and no look-up is on its way: the caller should start one now.</summary>
    public bool NeedsLookUp(string memberId) => !_members.ContainsKey(memberId) && _resolving.Add(memberId);

    /// <summary>
    /// A look-up came back (a member with an unknown role when it failed). A member already known keeps
    /// its state: the look-up's may be older than what frames or a refresh told meanwhile.
    /// </summary>
    public Member Resolved(string memberId, MemberRole? role, string? displayName, MemberState state)
    {
        _resolving.Remove(memberId);
        var member = new Member(memberId, role, displayName, _members.TryGetValue(memberId, out var known) ? known.State : state);
        _members[memberId] = member;
        return member;
    }

    /// <summary>
    /// A member-change frame: false when it says nothing new (the state subscribers were last told, or are
    /// about to be, again). Judged against what was told, not against a look-up's answer: a look-up may
    /// answer with a newer state while an older change still waits to go out, and the frame that follows
    /// it must not be taken for a repeat. A known member's new state is noted at once.
    /// </summary>
    public bool Observe(string memberId, MemberState state)
    {
        if (_lastTold.TryGetValue(memberId, out var told) && told == state)
        {
            return false;
        }

        Told(memberId, state);
        if (_members.TryGetValue(memberId, out var known))
        {
            _members[memberId] = known with { State = state };
        }

        return true;
    }

    /// <summary>Notes the state subscribers are told of a member (a change a refresh of the members found).</summary>
    public void Told(string memberId, MemberState state) => _lastTold[memberId] = state;

    /// <summary>Records a resolved member's state as its event goes out, keeping the connected agents in step.</summary>
    public Member ChangeState(Member member, MemberState state)
    {
        var current = member with { State = state };
        _members[member.Id] = current;
        if (current.Role == MemberRole.Agent)
        {
            if (state == MemberState.Connected)
            {
                _connectedAgents.Add(member.Id);
            }
            else
            {
                _connectedAgents.Remove(member.Id);
            }
        }

        return current;
    }
}
