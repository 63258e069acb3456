using GuestChat.Client.Models;
using GuestChat.Emulator.Chat;

namespace GuestChat.Emulator.Control;

/// <summary>A chat as the control API shows it: where it stands, and with details its members and full transcript.</summary>
public sealed record ConversationSnapshot
{
    /// <summary>The conversation id.</summary>
    public required string Id { get; init; }

    /// <summary>The deployment it was created on.</summary>
    public required string DeploymentId { get; init; }

    /// <summary>The queue it was routed to.</summary>
    public required string Queue { get; init; }

    /// <summary>Where it stands.</summary>
    public required ChatPhase Phase { get; init; }

    /// <summary>Why it ended, once it has.</summary>
    public ChatEndReason? EndReason { get; init; }

    /// <summary>When the guest created it.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The guest's member id.</summary>
    public required string GuestMemberId { get; init; }

    /// <summary>The current (or last) agent's member id.</summary>
    public string? AgentMemberId { get; init; }

    /// <summary>Sockets attached now.</summary>
    public required int SocketsOpen { get; init; }

    /// <summary>Messages in the transcript, joins and leaves included.</summary>
    public required int MessageCount { get; init; }

    /// <summary>All members, with details only.</summary>
    public IReadOnlyList<WebChatMemberInfo>? Members { get; init; }

    /// <summary>The whole transcript in order, with details only.</summary>
    public IReadOnlyList<TranscriptEntry>? Transcript { get; init; }

    /// <summary>All media requests, with details only.</summary>
    public IReadOnlyList<WebChatGuestMediaRequest>? MediaRequests { get; init; }
}
