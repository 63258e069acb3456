using Akka.Actor;
using Akka.Event;
using GuestChat.Client.Authentication;
using GuestChat.Client.Events;
using GuestChat.Client.Models;
using GuestChat.Client.WebMessaging;
using static GuestChat.Actors.EventStreams.EventStreamEvents;

namespace GuestChat.Actors.EventStreams;

/// <summary>
/// One Web Messaging socket, once, speaking to its parent exactly as <see cref="EventStreamActor"/> does
/// (<see cref="Opened"/>, <see cref="FrameReceived"/>, <see cref="Closed"/>), so a conversation drives either
/// API the same way. It opens the session of the chat's token (resuming it), reads the server's frames and
/// tells them as the guest chat stream's events: the session configured is the guest connected (or, read-only,
/// disconnected: the conversation ended while away); an agent's or a bot's first message is that member
/// joining, then its messages; the guest's own message back is its message; the agent typing is typing; a
/// Presence Disconnect, <c>readOnly</c>, or the session expiring or being cleared is the guest disconnected.
/// Every <see cref="EchoInterval"/> it sends <c>echo</c>, and the answer is a heartbeat. Since Web
/// Messaging sends on the same socket, the guest's messages and typing go through it
/// (<see cref="SendText"/>, <see cref="SendTyping"/>).
/// </summary>
/// <remarks>
/// Members have no ids on this API: an agent or bot is known by its nickname, and gets an id made from it
/// (<see cref="MessagingChat.MemberIdOf"/>), the same on every socket and after a restart.
/// </remarks>
public sealed class MessagingStreamActor : ReceiveActor, IWithTimers
{
    /// <summary>How often the health check goes out (Genesys's transport sends it at least 30 s apart).</summary>
    public static readonly TimeSpan EchoInterval = TimeSpan.FromSeconds(30);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly MessagingTarget _target;
    private readonly int _incarnation;
    private readonly Dictionary<string, MemberRole> _joined = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IActorRef> _clearing = [];
    private WebMessagingSession? _session;
    private string? _lastAgent;
    private bool _closeTold;

    /// <summary>Opens the session of <paramref name="target"/>; <paramref name="incarnation"/> tags every message to the parent.</summary>
    public MessagingStreamActor(MessagingTarget target, int incarnation)
    {
        _target = target;
        _incarnation = incarnation;
        Receive<SessionOpened>(opened => OnOpened(opened.Session));
        Receive<SessionFailed>(failed => End(CloseReason.ConnectFailed, failed.Reason));
        Receive<WebMessagingFrame>(OnFrame);
        Receive<FramesEnded>(ended => End(ended.Reason, ended.Detail));
        Receive<EchoDue>(_ => Echo());
        Receive<EchoAnswered>(_ => Tell(new HeartbeatEvent()));
        Receive<SendText>(send => Send(send));
        Receive<SendTyping>(_ => WithSession(session => session.TypingAsync(_stop.Token).PipeTo(Sender, success: () => Typed.Instance, failure: e => new Status.Failure(e))));
        Receive<GetJwt>(_ => WithSession(session => session.GetJwtAsync(_stop.Token).PipeTo(Sender, failure: e => new Status.Failure(e))));
        Receive<ClearConversation>(_ => WithSession(session =>
        {
            // Answered when the server says the conversation is cleared (or ended), as guest chat's DELETE is answered once done.
            _clearing.Add(Sender);
            var requester = Sender;
            session.ClearConversationAsync(_stop.Token).PipeTo(Self, success: () => ClearSent.Instance, failure: e => new ClearFailed(requester, e));
        }));
        Receive<ClearSent>(_ => { });
        Receive<ClearFailed>(failed =>
        {
            _clearing.Remove(failed.Requester);
            failed.Requester.Tell(new Status.Failure(failed.Cause));
        });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for one incarnation of a chat's Web Messaging socket.</summary>
    public static Props Props(MessagingTarget target, int incarnation) => Akka.Actor.Props.Create(() => new MessagingStreamActor(target, incarnation));

    /// <inheritdoc />
    protected override void PreStart()
    {
        var self = Self;
        WebMessagingSession.OpenAsync(_target.Endpoints, _target.DeploymentId, _target.Token.Reveal(), origin: _target.Origin, cancellationToken: _stop.Token)
            .ContinueWith(
                opened => opened.IsCompletedSuccessfully ? (object)new SessionOpened(opened.Result) : new SessionFailed(Describe(opened.Exception?.GetBaseException())),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default)
            .PipeTo(self);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _target.Stopped?.Invoke(Self);
        _stop.Cancel();
        _stop.Dispose();
        if (_session is { } session)
        {
            _ = session.DisposeAsync().AsTask();
        }
    }

    private void OnOpened(WebMessagingSession session)
    {
        _session = session;
        Context.Parent.Tell(new Opened(_incarnation));
        Tell(new MemberChangeEvent(_target.ConversationId, _target.GuestMemberId, session.Session.ReadOnly ? MemberState.Disconnected : MemberState.Connected, DateTimeOffset.UtcNow, null));
        Timers.StartPeriodicTimer("echo", EchoDue.Instance, EchoInterval);
        // The history's JWT, fetched while the socket is up: a send whose answer the socket lost is looked for with it.
        var chat = _target.Chat;
        session.GetJwtAsync(_stop.Token).ContinueWith(
            jwt =>
            {
                if (jwt.IsCompletedSuccessfully && chat is not null)
                {
                    chat.Jwt = jwt.Result;
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        if (session.Session.NewSession)
        {
            // A chat the service starts is a chat that wants an agent now, as on guest chat: started without waiting for the guest's first word.
            _ = session.AutoStartAsync(_stop.Token);
        }

        _ = ForwardAsync(session, Self, _stop.Token);
    }

    private static async Task ForwardAsync(WebMessagingSession session, IActorRef self, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in session.Frames.ReadAllAsync(cancellationToken))
            {
                self.Tell(frame);
            }

            self.Tell(new FramesEnded(CloseReason.Lost, "The socket ended."));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void OnFrame(WebMessagingFrame frame)
    {
        switch (frame)
        {
            case StructuredMessageFrame { Message: var message }:
                OnMessage(message);
                break;

            case SessionEvent { Class: "ConnectionClosedEvent" }:
                // The session was closed elsewhere: the socket closes next, and the conversation reconnects.
                break;

            case SessionEvent { Class: "SessionClearedEvent" }:
                AnswerClearing();
                Tell(new MemberChangeEvent(_target.ConversationId, _target.GuestMemberId, MemberState.Disconnected, DateTimeOffset.UtcNow, null));
                break;

            case SessionEvent ended:
                // Expired or logged out: the guest is out of this conversation.
                _log.Info("Web Messaging session ended by the server: {Class} {Reason}", ended.Class, ended.Reason);
                Tell(new MemberChangeEvent(_target.ConversationId, _target.GuestMemberId, MemberState.Disconnected, DateTimeOffset.UtcNow, null));
                break;

            case UnreadableFrame unreadable:
                Tell(new UnparseableFrame(unreadable.Reason));
                break;

            default:
                Tell(new UnknownEvent(frame.GetType().Name, null, $"code {frame.Code}"));
                break;
        }
    }

    private void OnMessage(StructuredMessage message)
    {
        var at = message.SentAt ?? DateTimeOffset.UtcNow;
        if (message.EndsConversation)
        {
            AnswerClearing();
            Tell(new MemberChangeEvent(_target.ConversationId, _target.GuestMemberId, MemberState.Disconnected, at, null));
            return;
        }

        if (message.IsInbound)
        {
            if (message is { Type: "Text", Id: { } ownId })
            {
                Tell(new MessageEvent(_target.ConversationId, ownId, _target.GuestMemberId, message.Text ?? "", BodyType.Standard, at, null));
            }

            return;
        }

        switch (message.Type)
        {
            case "Text" or "Structured" when message.Id is { } id:
                var sender = Join(message, at);
                Tell(new MessageEvent(_target.ConversationId, id, sender, message.Text ?? "", BodyType.Standard, at, null));
                break;

            case "Event" when message.Events.Any(e => e.EventType == "Typing"):
                // A typing event names nobody: it is the agent who spoke last, or, before any agent spoke, nobody known yet.
                if (_lastAgent is { } agent)
                {
                    Tell(new TypingEvent(_target.ConversationId, message.Id ?? Guid.NewGuid().ToString(), agent, at, null));
                }

                break;

            default:
                Tell(new UnknownEvent("StructuredMessage", message.Type, string.Join(",", message.Events.Select(e => $"{e.EventType}:{e.Type}"))));
                break;
        }
    }

    /// <summary>The member's id; its first appearance is told as its joining.</summary>
    private string Join(StructuredMessage message, DateTimeOffset at)
    {
        var (id, role) = MessagingChat.SenderOf(message);
        _target.Chat?.Saw(id, role, message.SenderNickname);
        if (_joined.TryAdd(id, role))
        {
            Tell(new MemberChangeEvent(_target.ConversationId, id, MemberState.Connected, at, null));
        }

        if (role == MemberRole.Agent)
        {
            _lastAgent = id;
        }

        return id;
    }

    private void Echo()
    {
        var self = Self;
        _session?.EchoAsync(_stop.Token).ContinueWith(
            done =>
            {
                if (done.IsCompletedSuccessfully)
                {
                    self.Tell(EchoAnswered.Instance);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Send(SendText send) => WithSession(session => session.SendTextAsync(send.Body, send.TracingId, send.CustomAttributes, _stop.Token)
        .PipeTo(Sender, success: taken => new TextTaken(send.TracingId, taken), failure: e => new Status.Failure(e)));

    /// <summary>Does what needs the open session, or answers that the socket is not open (a transient failure: the conversation reconnects).</summary>
    private void WithSession(Action<WebMessagingSession> act)
    {
        if (_session is { } session)
        {
            act(session);
        }
        else
        {
            Sender.Tell(new Status.Failure(new WebMessagingException(0, "The socket is not open.", sent: false)));
        }
    }

    private void AnswerClearing()
    {
        _clearing.ForEach(requester => requester.Tell(Cleared.Instance));
        _clearing.Clear();
    }

    private void Tell(StreamEvent streamEvent)
    {
        if (streamEvent is MemberChangeEvent { State: MemberState.Disconnected } gone && gone.MemberId == _target.GuestMemberId && _target.Chat is { } chat)
        {
            chat.Over = true;
        }

        Context.Parent.Tell(new FrameReceived(_incarnation, streamEvent));
    }

    private void End(CloseReason reason, string detail)
    {
        // A clear not answered yet is tried again by its transport another way (clearing twice is harmless).
        _clearing.ForEach(requester => requester.Tell(new Status.Failure(new WebMessagingException(0, "The socket closed before the clear was answered.", sent: false))));
        _clearing.Clear();
        if (!_closeTold)
        {
            _closeTold = true;
            Context.Parent.Tell(new Closed(_incarnation, reason, null, detail));
        }

        Context.Stop(Self);
    }

    private string Describe(Exception? e) => e is null ? "unknown" : _target.Token.HasValue ? e.Message.Replace(_target.Token.Reveal(), "<token>", StringComparison.Ordinal) : e.Message;

    /// <summary>Sends a text; answered with <see cref="TextTaken"/> once it comes back, or a <see cref="Status.Failure"/> with the <see cref="WebMessagingException"/>.</summary>
    public sealed record SendText(string Body, string TracingId, IReadOnlyDictionary<string, string>? CustomAttributes = null);

    /// <summary>Asks for the session's JWT (for the history endpoint); answered with a <see cref="JwtResponse"/>.</summary>
    public sealed record GetJwt
    {
        public static GetJwt Instance { get; } = new();
    }

    /// <summary>Ends the conversation from the guest's side (a Presence Clear); answered with <see cref="Cleared"/>, and the end follows on the socket.</summary>
    public sealed record ClearConversation
    {
        public static ClearConversation Instance { get; } = new();
    }

    /// <summary>The clear went.</summary>
    public sealed record Cleared
    {
        public static Cleared Instance { get; } = new();
    }

    /// <summary>The text as the server took it.</summary>
    public sealed record TextTaken(string TracingId, StructuredMessage Message);

    /// <summary>Tells the agent the guest is typing; answered with <see cref="Typed"/>.</summary>
    public sealed record SendTyping
    {
        public static SendTyping Instance { get; } = new();
    }

    /// <summary>The typing indicator went.</summary>
    public sealed record Typed
    {
        public static Typed Instance { get; } = new();
    }

    private sealed record SessionOpened(WebMessagingSession Session);

    private sealed record ClearSent
    {
        public static ClearSent Instance { get; } = new();
    }

    private sealed record ClearFailed(IActorRef Requester, Exception Cause);

    private sealed record SessionFailed(string Reason);

    private sealed record FramesEnded(CloseReason Reason, string Detail);

    private sealed record EchoDue
    {
        public static EchoDue Instance { get; } = new();
    }

    private sealed record EchoAnswered
    {
        public static EchoAnswered Instance { get; } = new();
    }
}

/// <summary>
/// Where and as whom a chat's Web Messaging socket opens: the endpoints, the deployment, the session token
/// (a secret: whoever has it is the guest; it prints as <c>GuestJwt(unreadable)</c>), the browser origin to
/// present, and the ids the conversation knows the chat and its guest by.
/// </summary>
public sealed record MessagingTarget(WebMessagingEndpoints Endpoints, string DeploymentId, GuestJwt Token, string? Origin, string ConversationId, string GuestMemberId)
{
    /// <summary>Called when the socket actor stops (its transport forgets it).</summary>
    public Action<IActorRef>? Stopped { get; init; }

    /// <summary>What the socket learns for the chat's transport (members met, the history's JWT, the end); none in a test of the socket alone.</summary>
    public MessagingChat? Chat { get; init; }
}
