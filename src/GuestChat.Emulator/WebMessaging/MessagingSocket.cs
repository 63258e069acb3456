using System.Buffers;
using System.Net.WebSockets;
using GuestChat.Client.Models;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Control;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Streaming;

namespace GuestChat.Emulator.WebMessaging;

/// <summary>
/// A Web Messaging socket (<c>/v1?deploymentId=</c>): the guest's requests in, answers and its session's
/// conversation out. Nothing the guest sends can break it: a frame that is not a request is answered 400
/// and the socket goes on.
/// </summary>
internal sealed class MessagingSocket(ChatPlatform platform, DeploymentOptions deployment, WebSocket socket, Action abort)
    : ChatSocket(socket, abort, platform.Counters, platform.Options.SocketOutboxLimit, platform.Time.GetUtcNow(), platform.Sent)
{
    /// <summary>The largest request read; a longer one is answered 4011 (a text over the limit) unread.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>The longest text a guest message may have (4011 above it).</summary>
    public const int MaxTextLength = 4096;

    private MessagingSession? _session;

    public override IFrameRenderer Frames => MessengerFrames.Instance;

    /// <summary>Leaves the session and its conversation (the socket closed).</summary>
    public void Leave()
    {
        if (_session is { } session)
        {
            session.Remove(this);
            session.Conversation.Detach(this);
            _session = null;
        }
    }

    protected override async Task ReceiveUntilClosedAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var frame = new ArrayBufferWriter<byte>(4096);
        var oversized = false;
        while (Socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            var result = await Socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            oversized |= frame.WrittenCount + result.Count > MaxRequestBytes;
            if (!oversized)
            {
                frame.Write(buffer.AsSpan(0, result.Count));
            }

            if (!result.EndOfMessage)
            {
                continue;
            }

            if (oversized)
            {
                Refuse(4011, "message too long", null);
            }
            else
            {
                Handle(MessagingRequest.Read(frame.WrittenSpan));
            }

            frame.ResetWrittenCount();
            oversized = false;
        }
    }

    private void Handle(MessagingRequest? request)
    {
        if (request is null)
        {
            Refuse(400, "Request failed.", null);
            return;
        }

        if (string.IsNullOrEmpty(request.Action))
        {
            Refuse(4020, "missing parameter: action", request.TracingId);
            return;
        }

        if (string.IsNullOrEmpty(request.Token))
        {
            Refuse(4020, "missing parameter: token", request.TracingId);
            return;
        }

        if (request.Action == "configureSession")
        {
            Configure(request);
            return;
        }

        if (_session is not { } session || !string.Equals(session.Token, request.Token, StringComparison.Ordinal))
        {
            Refuse(4007, "session not found", request.TracingId);
            return;
        }

        if (Expired(session, request))
        {
            Leave();
            return;
        }

        switch (request.Action)
        {
            case "onMessage":
                OnMessage(session, request);
                break;

            case "echo":
                Echo(request);
                break;

            case "getJwt":
                var conversation = session.Conversation;
                Send(MessengerFrames.Jwt(conversation.Jwt, conversation.CreatedAt + platform.Options.Timing.JwtLifetime, request.TracingId));
                break;

            case "closeSession":
                Send(MessengerFrames.SessionClosed(request.TracingId));
                if (request.CloseAllConnections)
                {
                    foreach (var other in session.SocketsBut(this))
                    {
                        other.Send(MessengerFrames.Event("message", "ConnectionClosedEvent"));
                        other.CloseNormally();
                    }
                }

                Leave();
                break;

            default:
                Refuse(400, "Request failed.", request.TracingId);
                break;
        }
    }

    private void Configure(MessagingRequest request)
    {
        if (string.IsNullOrEmpty(request.DeploymentId))
        {
            Refuse(4020, "missing parameter: deploymentId", request.TracingId);
            return;
        }

        if (!string.Equals(request.DeploymentId, deployment.Id, StringComparison.OrdinalIgnoreCase))
        {
            Refuse(400, "deploymentId does not match the connection's", request.TracingId);
            return;
        }

        Leave();
        // Made under a lock, not in GetOrAdd's factory: a factory that lost a race would leave its new chat behind.
        var started = false;
        MessagingSession? session;
        lock (platform.MessagingSessions)
        {
            if (!platform.MessagingSessions.TryGetValue(request.Token!, out session))
            {
                started = true;
                var lifetime = platform.Options.Timing.MessagingSessionLifetime;
                session = new MessagingSession(request.Token!, deployment, platform.CreateForMessaging(deployment), platform.Time.GetUtcNow() + lifetime);
                session.Expiry = platform.Time.CreateTimer(static state => ((MessagingSession)state!).Expire(), session, lifetime, Timeout.InfiniteTimeSpan);
                platform.MessagingSessions[request.Token!] = session;
            }
        }

        if (Expired(session, request))
        {
            return;
        }

        if (!started && session.ReadOnly && request.StartNew)
        {
            session.Renew(platform.CreateForMessaging(deployment));
            started = true;
        }

        platform.Counters.Increment(started ? EmulatorCounter.MessagingSessionsStarted : EmulatorCounter.MessagingSessionsResumed);
        if (!session.Add(this))
        {
            // It expired since the check above.
            Refuse(4006, "session expired", request.TracingId);
            return;
        }

        _session = session;
        var readOnly = !session.Conversation.Attach(this, routes: false);
        Send(MessengerFrames.SessionConfigured(newSession: started, readOnly, clearedExistingSession: false, request.TracingId));
    }

    private bool Expired(MessagingSession session, MessagingRequest request)
    {
        if (platform.Time.GetUtcNow() < session.ExpiresAt)
        {
            return false;
        }

        Refuse(4006, "session expired", request.TracingId);
        return true;
    }

    private void OnMessage(MessagingSession session, MessagingRequest request)
    {
        switch (request.MessageType)
        {
            case "Text":
                SendText(session, request);
                break;

            case "Event":
                foreach (var (eventType, type) in request.Events)
                {
                    if (eventType == "Typing" && type == "On")
                    {
                        session.Conversation.PostGuestTyping();
                    }
                    else if (eventType == "Presence" && type == "Join")
                    {
                        session.Conversation.RouteIfNew();
                        Send(MessengerFrames.Started(request.TracingId, platform.Time.GetUtcNow()));
                    }
                    else if (eventType == "Presence" && type == "Clear")
                    {
                        // The guest ends and clears the conversation: every socket of the session hears it.
                        session.Conversation.GuestLeave();
                        Send(MessengerFrames.Event("message", "SessionClearedEvent"));
                        foreach (var other in session.SocketsBut(this))
                        {
                            other.Send(MessengerFrames.Event("message", "SessionClearedEvent"));
                        }
                    }
                }

                break;

            case null:
                Refuse(4020, "missing parameter: message", request.TracingId);
                break;

            default:
                Refuse(400, "Request failed.", request.TracingId);
                break;
        }
    }

    private void SendText(MessagingSession session, MessagingRequest request)
    {
        if (string.IsNullOrEmpty(request.Text))
        {
            Refuse(4020, "missing parameter: message.text", request.TracingId);
            return;
        }

        if (request.Text.Length > MaxTextLength)
        {
            Refuse(4011, "message too long", request.TracingId);
            return;
        }

        if (request.CustomAttributesBytes > MessengerFrames.MaxCustomDataBytes)
        {
            Refuse(4013, $"Custom Attributes in channel metadata is larger than {MessengerFrames.MaxCustomDataBytes} bytes", request.TracingId);
            return;
        }

        if (session.ReadOnly)
        {
            Refuse(400, "The conversation has ended and is read-only; configure the session with startNew to begin another", request.TracingId);
            return;
        }

        // Over the session's rate, or refused by the faults in force (as the guest chat API's injected 429s).
        var faults = platform.Faults;
        var wait = session.Admit(platform.Time.GetUtcNow());
        if (wait is null && faults.ThrottleShare > 0 && Random.Shared.NextDouble() < faults.ThrottleShare)
        {
            platform.Counters.Increment(EmulatorCounter.FaultThrottled);
            wait = TimeSpan.FromSeconds(1);
        }

        if (wait is { } retryAfter)
        {
            platform.Counters.Increment(EmulatorCounter.MessagingRateLimited);
            Send(MessengerFrames.TooManyRequests(Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)), request.TracingId));
            return;
        }

        var posted = session.Conversation.PostGuestMessage(request.Text, BodyType.Standard, request.TracingId, routesFirst: true);
        if (posted.Error is not null)
        {
            Refuse(400, "The conversation has ended and is read-only; configure the session with startNew to begin another", request.TracingId);
        }
    }

    private void Echo(MessagingRequest request)
    {
        var faults = platform.Faults;
        if (faults.HeartbeatWithholdShare > 0 && Random.Shared.NextDouble() < faults.HeartbeatWithholdShare)
        {
            // Injected: the health check goes unanswered, as on a half-dead connection.
            platform.Counters.Increment(EmulatorCounter.FaultHeartbeatsWithheld);
            return;
        }

        Send(MessengerFrames.Echo(request.TracingId, platform.Time.GetUtcNow()));
    }

    private void Refuse(int code, string text, string? tracingId)
    {
        platform.Counters.Increment(EmulatorCounter.MessagingErrors);
        Send(MessengerFrames.Error(code, text, tracingId));
    }
}
