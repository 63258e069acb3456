using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Options;

namespace GuestChat.Emulator.WebMessaging;

/// <summary>
/// A Web Messaging session: the guest's client-made token, the conversation it is in (a new one after
/// <c>startNew</c> once the last has ended), the sockets it is open on, and its message rate.
/// </summary>
internal sealed class MessagingSession(string token, DeploymentOptions deployment, Conversation conversation, DateTimeOffset expiresAt)
{
    /// <summary>Guest messages a session may send in any one second (Genesys's documented limit).</summary>
    public const int MessagesPerSecond = 2;

    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly List<MessagingSocket> _sockets = [];
    private bool _expired;

    public string Token { get; } = token;

    public DeploymentOptions Deployment { get; } = deployment;

    public Conversation Conversation { get; private set; } = conversation;

    /// <summary>When the session ends whatever happens in it; its token is answered 4006 from then on.</summary>
    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    /// <summary>Tells the session's open sockets, when it expires, with <c>SessionExpiredEvent</c>, and closes them.</summary>
    public ITimer? Expiry { get; set; }

    /// <summary>The session has expired: every socket of it hears so and closes.</summary>
    public void Expire()
    {
        MessagingSocket[] sockets;
        lock (_gate)
        {
            _expired = true;
            sockets = [.. _sockets];
        }

        foreach (var socket in sockets)
        {
            socket.Send(MessengerFrames.Event("response", "SessionExpiredEvent"));
            socket.CloseNormally();
        }
    }

    /// <summary>The conversation has ended: history can be read, nothing sent, until <c>startNew</c>.</summary>
    public bool ReadOnly => Conversation.Phase == ChatPhase.Ended;

    /// <summary>Starts a new conversation in place of one that ended.</summary>
    public void Renew(Conversation next)
    {
        lock (_gate)
        {
            Conversation = next;
            _recent.Clear();
        }
    }

    /// <summary>Counts a guest message against the rate: null when it may go, else how long until it could.</summary>
    public TimeSpan? Admit(DateTimeOffset now)
    {
        lock (_gate)
        {
            while (_recent.Count > 0 && now - _recent.Peek() >= TimeSpan.FromSeconds(1))
            {
                _recent.Dequeue();
            }

            if (_recent.Count >= MessagesPerSecond)
            {
                return _recent.Peek() + TimeSpan.FromSeconds(1) - now;
            }

            _recent.Enqueue(now);
            return null;
        }
    }

    /// <summary>Takes a socket in; false once the session has expired (a socket that comes as it expires is refused, never left untold).</summary>
    public bool Add(MessagingSocket socket)
    {
        lock (_gate)
        {
            if (_expired)
            {
                return false;
            }

            _sockets.Add(socket);
            return true;
        }
    }

    public void Remove(MessagingSocket socket)
    {
        lock (_gate)
        {
            _sockets.Remove(socket);
        }
    }

    /// <summary>The session's sockets other than <paramref name="except"/>, as of now.</summary>
    public MessagingSocket[] SocketsBut(MessagingSocket except)
    {
        lock (_gate)
        {
            return [.. _sockets.Where(s => s != except)];
        }
    }
}
