using GuestChat.Client.Authentication;
using System.Collections.Concurrent;
using GuestChat.Client.Models;
using GuestChat.Emulator.Control;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Security;
using GuestChat.Emulator.Streaming;

namespace GuestChat.Emulator.Chat;

/// <summary>
/// The emulated Genesys platform: the chats, their sockets, the token signer, the counters and the
/// faults in force. One per emulator; everything else reaches shared state through it.
/// </summary>
internal sealed class ChatPlatform : IDisposable
{
    private readonly ConcurrentDictionary<string, Conversation> _conversations = new(StringComparer.Ordinal);
    private FaultSettings _faults;

    public ChatPlatform(EmulatorOptions options, TimeProvider time)
    {
        Options = options;
        Time = time;
        Tokens = new TokenService(time);
        _faults = options.Faults.Resolve();
        OrganizationBudget = new Faults.OrganizationBudget(time);
        Sent = options.RecordSendTimes ? new SendLog() : null;
    }

    public EmulatorOptions Options { get; }

    public TimeProvider Time { get; }

    public TokenService Tokens { get; }

    public EmulatorCounters Counters { get; } = new();

    /// <summary>When each message's frame left, if <see cref="EmulatorOptions.RecordSendTimes"/> is on.</summary>
    public SendLog? Sent { get; }

    /// <summary>The organization's request budget, used when the faults set one.</summary>
    public Faults.OrganizationBudget OrganizationBudget { get; }

    public SocketRegistry Sockets { get; } = new();

    /// <summary>The faults in force; replaced whole, read without locks.</summary>
    public FaultSettings Faults
    {
        get => Volatile.Read(ref _faults);
        set => Volatile.Write(ref _faults, value);
    }

    public IEnumerable<Conversation> Conversations => _conversations.Values;

    public Conversation? Find(string conversationId) => _conversations.GetValueOrDefault(conversationId);

    /// <summary>Creates a chat for a request that has been validated, and issues the guest's JWT.</summary>
    public Conversation Create(CreateWebChatConversationRequest request, DeploymentOptions deployment, QueueOptions queue, bool authenticated)
    {
        var info = request.MemberInfo!;
        var now = Time.GetUtcNow();
        var guest = new Member
        {
            Id = Guid.NewGuid().ToString(),
            Role = MemberRole.Customer,
            DisplayName = info.DisplayName,
            FirstName = info.FirstName,
            LastName = info.LastName,
            Email = info.Email,
            PhoneNumber = info.PhoneNumber,
            AvatarImageUrl = info.AvatarImageUrl,
            CustomFields = info.CustomFields,
            AuthenticatedGuest = authenticated,
            JoinDate = now,
            State = MemberState.Alerting,
        };
        return Add(guest, deployment, queue, now, abandonedWithoutSocket: true);
    }

    /// <summary>Creates the chat of a new Web Messaging session: an anonymous guest on the deployment's messaging queue, routed by its first message.</summary>
    public Conversation CreateForMessaging(DeploymentOptions deployment)
    {
        var now = Time.GetUtcNow();
        var queue = Options.Queues.Find(q => string.Equals(q.Name, deployment.MessagingQueue, StringComparison.Ordinal)) ?? Options.Queues[0];
        var guest = new Member { Id = Guid.NewGuid().ToString(), Role = MemberRole.Customer, JoinDate = now, State = MemberState.Alerting };
        return Add(guest, deployment, queue, now, abandonedWithoutSocket: false);
    }

    /// <summary>The Web Messaging sessions, by their token.</summary>
    public ConcurrentDictionary<string, WebMessaging.MessagingSession> MessagingSessions { get; } = new(StringComparer.Ordinal);

    private Conversation Add(Member guest, DeploymentOptions deployment, QueueOptions queue, DateTimeOffset now, bool abandonedWithoutSocket)
    {
        var conversation = new Conversation(this, Guid.NewGuid().ToString(), deployment, queue, guest, now, abandonedWithoutSocket);
        conversation.Jwt = Tokens.IssueGuestToken(conversation.Id, deployment.Id, guest.Id, Options.OrganizationId, Options.Timing.JwtLifetime);
        _conversations[conversation.Id] = conversation;
        Counters.Increment(EmulatorCounter.ChatsCreated);
        return conversation;
    }

    /// <summary>Checks a guest bearer token; the exact token a chat was issued skips the signature check.</summary>
    public TokenCheck CheckToken(string token, out GuestJwtClaims? claims) =>
        Tokens.CheckGuestToken(token, IsIssued, out claims);

    /// <summary>Forgets chats that ended longer ago than the retention.</summary>
    public int ForgetEndedBefore(DateTimeOffset cutoff)
    {
        var forgotten = 0;
        foreach (var (id, conversation) in _conversations)
        {
            if (conversation.EndedAt is { } ended && ended < cutoff && _conversations.TryRemove(id, out _))
            {
                forgotten++;
            }
        }

        return forgotten;
    }

    public void Dispose() => Tokens.Dispose();

    private bool IsIssued(GuestJwtClaims claims, string token) =>
        Find(claims.ConversationId) is { } conversation && string.Equals(conversation.Jwt, token, StringComparison.Ordinal);
}
