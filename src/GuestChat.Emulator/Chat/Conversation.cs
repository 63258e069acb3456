using System.Globalization;
using System.Security.Cryptography;
using GuestChat.Client.Events;
using GuestChat.Client.Models;
using GuestChat.Emulator.Control;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Streaming;

namespace GuestChat.Emulator.Chat;

/// <summary>
/// One emulated guest chat: its members, transcript, media requests and sockets, and the life cycle
/// the real service played (route on attach, queue, agent alerting and answering, replies, transfer,
/// end, grace window). Every method takes the conversation's lock, so each chat is consistent and
/// frames reach every socket in the order the transcript has them; chats never wait on each other.
/// </summary>
internal sealed class Conversation
{
    private readonly Lock _gate = new();
    private readonly ChatPlatform _platform;
    private readonly bool _abandonedWithoutSocket;
    private readonly List<Member> _members = [];
    private readonly List<ChatMessage> _messages = [];
    private readonly Dictionary<string, int> _messageIndex = new(StringComparer.Ordinal);
    private readonly List<MediaRequest> _mediaRequests = [];
    private readonly List<ChatSocket> _sockets = [];
    private readonly HashSet<Scheduled> _timers = [];
    private readonly Queue<ChatMessage> _unanswered = new();
    private Scheduled? _graceTimer;
    private Scheduled? _idleTimer;
    private Member? _agent;
    private Member? _acd;
    private int _agentsOffered;
    private int _exchanges;
    private int _scriptIndex;
    private DateTimeOffset _lastTimestamp;

    /// <summary>
    /// A chat. A guest chat one is abandoned when its guest has had no socket for the grace window; a Web
    /// Messaging one (<paramref name="abandonedWithoutSocket"/> false) is not: messaging is asynchronous, and
    /// the guest may come back with its session token much later.
    /// </summary>
    public Conversation(ChatPlatform platform, string id, DeploymentOptions deployment, QueueOptions queue, Member guest, DateTimeOffset createdAt, bool abandonedWithoutSocket = true)
    {
        _abandonedWithoutSocket = abandonedWithoutSocket;
        _platform = platform;
        Id = id;
        Deployment = deployment;
        Queue = queue;
        Guest = guest;
        CreatedAt = createdAt;
        MembersTopic = EventTopics.Members(id);
        MessagesTopic = EventTopics.Messages(id);
        _members.Add(guest);
        if (abandonedWithoutSocket)
        {
            lock (_gate)
            {
                _graceTimer = StartTimer(platform.Options.Timing.GraceWindow, static c => c.Abandon(), track: false);
            }
        }
    }

    public string Id { get; }

    /// <summary>The guest chat event stream's topic of this chat's member changes.</summary>
    public string MembersTopic { get; }

    /// <summary>The guest chat event stream's topic of this chat's messages and typing.</summary>
    public string MessagesTopic { get; }

    public DeploymentOptions Deployment { get; }

    public QueueOptions Queue { get; }

    public Member Guest { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>The JWT issued to the guest; set once, right after creation.</summary>
    public string Jwt { get; set; } = "";

    public ChatPhase Phase { get; private set; } = ChatPhase.Created;

    public ChatEndReason? EndReason { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    private AgentBehaviourOptions Agent => Queue.Agent;

    // ---- Event stream -------------------------------------------------------------------------

    /// <summary>
    /// Adds a socket; on guest chat the first one routes the chat (on Web Messaging the first message does,
    /// <paramref name="routes"/> false). False when the chat is over.
    /// </summary>
    public bool Attach(ChatSocket socket, bool routes = true)
    {
        lock (_gate)
        {
            if (Phase == ChatPhase.Ended)
            {
                return false;
            }

            _sockets.Add(socket);
            CancelTimer(ref _graceTimer);
            if (routes && Phase == ChatPhase.Created)
            {
                Route();
            }

            return true;
        }
    }

    /// <summary>Removes a socket that has ended; the last one starts the grace window.</summary>
    public void Detach(ChatSocket socket)
    {
        lock (_gate)
        {
            if (_sockets.Remove(socket) && _sockets.Count == 0 && Phase != ChatPhase.Ended && _abandonedWithoutSocket)
            {
                _graceTimer = StartTimer(_platform.Options.Timing.GraceWindow, static c => c.Abandon(), track: false);
            }
        }
    }

    /// <summary>Drops every socket of this chat, as a network failure would.</summary>
    public int DropSockets()
    {
        ChatSocket[] sockets;
        lock (_gate)
        {
            sockets = [.. _sockets];
        }

        foreach (var socket in sockets)
        {
            socket.Drop();
        }

        return sockets.Length;
    }

    // ---- Guest operations ---------------------------------------------------------------------

    /// <summary>
    /// The guest says something. On Web Messaging (<paramref name="tracingId"/> given) the first message
    /// routes the chat, and the message is echoed with the tracing id.
    /// </summary>
    public ChatResult<WebChatMessage> PostGuestMessage(string body, BodyType bodyType, string? tracingId = null, bool routesFirst = false)
    {
        lock (_gate)
        {
            if (routesFirst && Phase == ChatPhase.Created)
            {
                Route();
            }

            if (RefuseGuestAction() is { } refusal)
            {
                return refusal;
            }

            var message = Append(Guest.Id, body, bodyType, tracingId);
            _platform.Counters.Increment(EmulatorCounter.GuestMessages);
            if (bodyType == BodyType.Standard)
            {
                OnGuestMessage(message);
            }

            return message.ToWire();
        }
    }

    public ChatResult<WebChatTyping> PostGuestTyping()
    {
        lock (_gate)
        {
            if (RefuseGuestAction() is { } refusal)
            {
                return refusal;
            }

            _platform.Counters.Increment(EmulatorCounter.GuestTyping);
            var id = Guid.NewGuid().ToString();
            var timestamp = NextTimestamp();
            Broadcast(new TypingShown(id, Guest.Id, timestamp));
            return new WebChatTyping
            {
                Id = id,
                Conversation = new WebChatConversation { Id = Id, SelfUri = Client.GuestChatPaths.PlatformConversation(Id) },
                Sender = new WebChatMemberInfo { Id = Guest.Id },
                Timestamp = timestamp,
            };
        }
    }

    /// <summary>The guest deletes its own member: the chat ends.</summary>
    public ChatError? GuestLeave()
    {
        lock (_gate)
        {
            if (Guest.State == MemberState.Disconnected)
            {
                return ChatError.NotYourMember();
            }

            DisconnectAgent(sayGoodbye: false);
            End(ChatEndReason.GuestLeft);
            return null;
        }
    }

    public ChatResult<WebChatGuestMediaRequest> AnswerMediaRequest(string mediaRequestId, MediaRequestState answer)
    {
        lock (_gate)
        {
            var request = _mediaRequests.Find(r => r.Id == mediaRequestId);
            if (request is null)
            {
                return ChatError.NotFound("media request", mediaRequestId);
            }

            if (Phase == ChatPhase.Ended)
            {
                return ChatError.Ended();
            }

            if (answer is not (MediaRequestState.Accepted or MediaRequestState.Declined or MediaRequestState.Errored))
            {
                return ChatError.Invalid("state", "A guest may only set state to ACCEPTED, DECLINED or ERRORED");
            }

            if (request.State != MediaRequestState.Pending)
            {
                return ChatError.Invalid("state", $"The media request is {Client.Serialization.WireEnumConverter<MediaRequestState>.WireName(request.State)}; only a PENDING request can be answered");
            }

            request.State = answer;
            _platform.Counters.Increment(EmulatorCounter.MediaRequestsAnswered);
            return request.ToWire();
        }
    }

    // ---- Guest queries ------------------------------------------------------------------------

    public List<WebChatMemberInfo> Members(bool excludeDisconnected)
    {
        lock (_gate)
        {
            return _members
                .Where(m => !excludeDisconnected || m.State != MemberState.Disconnected)
                .Select(m => m.ToWire())
                .ToList();
        }
    }

    public WebChatMemberInfo? Member(string memberId)
    {
        lock (_gate)
        {
            return _members.Find(m => m.Id == memberId)?.ToWire();
        }
    }

    public WebChatMessage? Message(string messageId)
    {
        lock (_gate)
        {
            return _messageIndex.TryGetValue(messageId, out var index) ? _messages[index].ToWire() : null;
        }
    }

    /// <summary>One page of the transcript; null when a boundary id is unknown (named in <paramref name="unknownId"/>).</summary>
    public List<WebChatMessage>? Messages(string? after, string? before, bool descending, int maxResults,
        out bool moreAfterPage, out bool moreBeforePage, out string? unknownId)
    {
        lock (_gate)
        {
            moreAfterPage = moreBeforePage = false;
            unknownId = null;
            var low = 0;
            var high = _messages.Count;
            if (after is not null)
            {
                if (!_messageIndex.TryGetValue(after, out var i))
                {
                    unknownId = "after";
                    return null;
                }

                low = i + 1;
            }

            if (before is not null)
            {
                if (!_messageIndex.TryGetValue(before, out var i))
                {
                    unknownId = "before";
                    return null;
                }

                high = i;
            }

            var page = new List<WebChatMessage>(Math.Min(maxResults, Math.Max(0, high - low)));
            if (!descending)
            {
                for (var i = low; i < high && page.Count < maxResults; i++)
                {
                    page.Add(_messages[i].ToWire());
                }

                moreAfterPage = low + page.Count < high;
                moreBeforePage = low > 0 && page.Count > 0;
            }
            else
            {
                for (var i = high - 1; i >= low && page.Count < maxResults; i--)
                {
                    page.Add(_messages[i].ToWire());
                }

                moreBeforePage = high - page.Count > low;
                moreAfterPage = high < _messages.Count && page.Count > 0;
            }

            return page;
        }
    }

    public List<WebChatGuestMediaRequest> MediaRequests()
    {
        lock (_gate)
        {
            return _mediaRequests.Select(r => r.ToWire()).ToList();
        }
    }

    public WebChatGuestMediaRequest? MediaRequest(string mediaRequestId)
    {
        lock (_gate)
        {
            return _mediaRequests.Find(r => r.Id == mediaRequestId)?.ToWire();
        }
    }

    // ---- Agent side (control API and behaviour) -----------------------------------------------

    public ChatResult<WebChatMessage> AgentSend(string body, BodyType bodyType)
    {
        lock (_gate)
        {
            if (ConnectedAgent() is not { } agent)
            {
                return ChatError.NoAgent();
            }

            _platform.Counters.Increment(EmulatorCounter.AgentMessages);
            return Append(agent.Id, body, bodyType).ToWire();
        }
    }

    public ChatError? AgentTyping()
    {
        lock (_gate)
        {
            if (ConnectedAgent() is not { } agent)
            {
                return ChatError.NoAgent();
            }

            SendAgentTyping(agent);
            return null;
        }
    }

    public ChatResult<WebChatGuestMediaRequest> RaiseMediaRequest(IReadOnlyList<MediaType> types)
    {
        lock (_gate)
        {
            if (ConnectedAgent() is not { } agent)
            {
                return ChatError.NoAgent();
            }

            return Raise(agent, types).ToWire();
        }
    }

    public ChatResult<WebChatGuestMediaRequest> CancelMediaRequest(string mediaRequestId)
    {
        lock (_gate)
        {
            var request = _mediaRequests.Find(r => r.Id == mediaRequestId);
            if (request is null)
            {
                return ChatError.NotFound("media request", mediaRequestId);
            }

            if (request.State != MediaRequestState.Pending)
            {
                return new ChatError(409, "chat.error.mediarequest.state", "Only a PENDING media request can be cancelled", "state");
            }

            request.State = MediaRequestState.Cancelled;
            return request.ToWire();
        }
    }

    /// <summary>The agent hands the chat on: it goes DISCONNECTED, the guest stays, a new agent is offered it.</summary>
    public ChatError? Transfer()
    {
        lock (_gate)
        {
            if (_agent is null || Phase is not (ChatPhase.Active or ChatPhase.Alerting))
            {
                return ChatError.NoAgent();
            }

            _platform.Counters.Increment(EmulatorCounter.Transfers);
            DisconnectAgent(sayGoodbye: true);
            Phase = ChatPhase.Alerting;
            StartTimer(_platform.Options.Timing.AgentAlertDelay, static c => c.OfferAgent());
            return null;
        }
    }

    public ChatError? AgentEnd()
    {
        lock (_gate)
        {
            if (Phase == ChatPhase.Ended)
            {
                return ChatError.Ended();
            }

            EndByAgent();
            return null;
        }
    }

    public ConversationSnapshot Snapshot(bool withTranscript)
    {
        lock (_gate)
        {
            return new ConversationSnapshot
            {
                Id = Id,
                DeploymentId = Deployment.Id,
                Queue = Queue.Name,
                Phase = Phase,
                EndReason = EndReason,
                CreatedAt = CreatedAt,
                EndedAt = EndedAt,
                GuestMemberId = Guest.Id,
                AgentMemberId = _agent?.Id,
                SocketsOpen = _sockets.Count,
                MessageCount = _messages.Count,
                Members = withTranscript ? _members.Select(m => m.ToWire()).ToList() : null,
                Transcript = withTranscript ? _messages.Select(TranscriptEntry).ToList() : null,
                MediaRequests = withTranscript ? _mediaRequests.Select(r => r.ToWire()).ToList() : null,
            };
        }
    }

    // ---- Life cycle (all called under the lock) -----------------------------------------------

    private ChatError? RefuseGuestAction() => Phase switch
    {
        ChatPhase.Created => ChatError.NotRouted(),
        ChatPhase.Ended => ChatError.Ended(),
        _ => null,
    };

    private void Route()
    {
        _platform.Counters.Increment(EmulatorCounter.ChatsRouted);
        Phase = ChatPhase.Queued;
        SetState(Guest, MemberState.Connected);
        Append(Guest.Id, "", BodyType.MemberJoin);
        if (Deployment.FlowGreeting is { } greeting)
        {
            var flow = AddMember(MemberRole.Workflow, Deployment.Name, MemberState.Connected);
            Append(flow.Id, greeting, BodyType.Standard);
            SetState(flow, MemberState.Disconnected);
        }

        _acd = AddMember(MemberRole.Acd, Queue.Name, MemberState.Connected);
        StartTimer(_platform.Options.Timing.AgentAlertDelay, static c => c.OfferAgent());
    }

    private void OfferAgent()
    {
        var names = Agent.Names.Count > 0 ? Agent.Names : ["Agent"];
        var name = names[_agentsOffered++ % names.Count];
        var parts = name.Split(' ', 2);
        _agent = AddMember(MemberRole.Agent, name, MemberState.Alerting, parts[0], parts.Length > 1 ? parts[1] : null);
        Phase = ChatPhase.Alerting;
        StartTimer(_platform.Options.Timing.AgentAnswerDelay, static c => c.AnswerAgent());
    }

    private void AnswerAgent()
    {
        if (_agent is not { State: MemberState.Alerting } agent)
        {
            return;
        }

        SetState(agent, MemberState.Connected);
        Append(agent.Id, "", BodyType.MemberJoin);
        if (_acd is { State: MemberState.Connected } acd)
        {
            SetState(acd, MemberState.Disconnected);
        }

        Phase = ChatPhase.Active;
        _platform.Counters.Increment(EmulatorCounter.AgentsConnected);
        if (Agent.Greeting is { } greeting)
        {
            _platform.Counters.Increment(EmulatorCounter.AgentMessages);
            Append(agent.Id, greeting, BodyType.Standard);
        }

        while (_unanswered.TryDequeue(out var waiting))
        {
            ScheduleReply(agent, waiting);
        }

        RestartIdleTimer();
    }

    private void OnGuestMessage(ChatMessage message)
    {
        if (ConnectedAgent() is { } agent)
        {
            ScheduleReply(agent, message);
            RestartIdleTimer();
        }
        else
        {
            _unanswered.Enqueue(message);
        }
    }

    private void ScheduleReply(Member agent, ChatMessage message)
    {
        if (Agent.Reply == AgentReplyMode.Silent)
        {
            return;
        }

        StartTimer(Agent.ThinkTime, c => c.TypeThenReply(agent, message));
    }

    private void TypeThenReply(Member agent, ChatMessage message)
    {
        if (ConnectedAgent() != agent)
        {
            _unanswered.Enqueue(message);
            return;
        }

        SendAgentTyping(agent);
        StartTimer(Agent.TypingTime, c => c.Reply(agent, message));
    }

    private void Reply(Member agent, ChatMessage message)
    {
        if (ConnectedAgent() != agent)
        {
            _unanswered.Enqueue(message);
            return;
        }

        var text = Agent.Reply == AgentReplyMode.Script && _scriptIndex < Agent.Script.Count
            ? Agent.Script[_scriptIndex++]
            : string.Format(CultureInfo.InvariantCulture, Agent.EchoFormat, message.Body);
        _platform.Counters.Increment(EmulatorCounter.AgentMessages);
        Append(agent.Id, text, BodyType.Standard);
        _exchanges++;
        if (Agent.MediaRequestAfterExchanges > 0 && _exchanges == Agent.MediaRequestAfterExchanges)
        {
            var types = Agent.MediaRequestTypes
                .Select(t => Client.Serialization.WireEnumConverter<MediaType>.TryParse(t, out var type) ? type : MediaType.Cobrowse)
                .Distinct()
                .ToList();
            Raise(agent, types);
        }

        if (Agent.EndAfterExchanges > 0 && _exchanges >= Agent.EndAfterExchanges)
        {
            EndByAgent();
        }
    }

    private void RestartIdleTimer()
    {
        if (Agent.EndWhenIdle <= TimeSpan.Zero)
        {
            return;
        }

        CancelTimer(ref _idleTimer);
        _idleTimer = StartTimer(Agent.EndWhenIdle, static c => c.EndByAgent());
    }

    private MediaRequest Raise(Member agent, IReadOnlyList<MediaType> types)
    {
        var request = new MediaRequest
        {
            Id = Guid.NewGuid().ToString(),
            ConversationId = Id,
            Types = types,
            CommunicationId = Guid.NewGuid().ToString(),
            SecurityKey = RandomNumberGenerator.GetInt32(100_000, 1_000_000).ToString(CultureInfo.InvariantCulture),
            RaisedAt = _platform.Time.GetUtcNow(),
        };
        _mediaRequests.Add(request);
        _platform.Counters.Increment(EmulatorCounter.MediaRequestsRaised);
        Append(agent.Id, request.Id, BodyType.MediaRequest);
        StartTimer(_platform.Options.Timing.MediaRequestTimeout, _ =>
        {
            if (request.State == MediaRequestState.Pending)
            {
                request.State = MediaRequestState.TimedOut;
            }
        });
        return request;
    }

    private void SendAgentTyping(Member agent)
    {
        _platform.Counters.Increment(EmulatorCounter.AgentTyping);
        Broadcast(new TypingShown(Guid.NewGuid().ToString(), agent.Id, NextTimestamp()));
    }

    private void EndByAgent()
    {
        if (Phase == ChatPhase.Ended)
        {
            return;
        }

        DisconnectAgent(sayGoodbye: true);
        End(ChatEndReason.AgentEnded);
    }

    private void Abandon()
    {
        if (Phase == ChatPhase.Ended || _sockets.Count > 0)
        {
            return;
        }

        DisconnectAgent(sayGoodbye: false);
        End(ChatEndReason.Abandoned);
    }

    private void DisconnectAgent(bool sayGoodbye)
    {
        if (_agent is { } agent && agent.State != MemberState.Disconnected)
        {
            var wasConnected = agent.State == MemberState.Connected;
            SetState(agent, MemberState.Disconnected);
            if (sayGoodbye && wasConnected)
            {
                Append(agent.Id, "", BodyType.MemberLeave);
            }
        }

        if (_acd is { State: MemberState.Connected } acd)
        {
            SetState(acd, MemberState.Disconnected);
        }

        CancelTimer(ref _idleTimer);
    }

    private void End(ChatEndReason reason)
    {
        SetState(Guest, MemberState.Disconnected);
        Append(Guest.Id, "", BodyType.MemberLeave);
        Phase = ChatPhase.Ended;
        EndReason = reason;
        EndedAt = _platform.Time.GetUtcNow();
        Broadcast(new ChatEnded(reason, NextTimestamp()));
        _platform.Counters.Increment(reason switch
        {
            ChatEndReason.GuestLeft => EmulatorCounter.ChatsEndedByGuest,
            ChatEndReason.AgentEnded => EmulatorCounter.ChatsEndedByAgent,
            _ => EmulatorCounter.ChatsAbandoned,
        });
        foreach (var request in _mediaRequests.Where(r => r.State == MediaRequestState.Pending))
        {
            request.State = MediaRequestState.Cancelled;
        }

        foreach (var timer in _timers)
        {
            timer.Cancel();
        }

        _timers.Clear();
        CancelTimer(ref _graceTimer);
        CancelTimer(ref _idleTimer);
        _unanswered.Clear();
        StartTimer(_platform.Options.Timing.SocketCloseDelay, static c => c.CloseSockets(), track: false, evenWhenEnded: true);
    }

    private void CloseSockets()
    {
        foreach (var socket in _sockets)
        {
            _platform.Counters.Increment(EmulatorCounter.SocketsClosedAfterEnd);
            socket.CloseNormally();
        }
    }

    private Member? ConnectedAgent() =>
        Phase == ChatPhase.Active && _agent is { State: MemberState.Connected } agent ? agent : null;

    private Member AddMember(MemberRole role, string? displayName, MemberState state, string? firstName = null, string? lastName = null)
    {
        var member = new Member
        {
            Id = Guid.NewGuid().ToString(),
            Role = role,
            DisplayName = displayName,
            FirstName = firstName,
            LastName = lastName,
            JoinDate = _platform.Time.GetUtcNow(),
            State = state,
        };
        _members.Add(member);
        Broadcast(new MemberChanged(member, state, NextTimestamp()));
        return member;
    }

    private void SetState(Member member, MemberState state)
    {
        member.State = state;
        if (state == MemberState.Disconnected)
        {
            member.LeaveDate = _platform.Time.GetUtcNow();
        }

        Broadcast(new MemberChanged(member, state, NextTimestamp()));
    }

    /// <summary>The member who sent a message; only under this chat's lock (a frame renderer is called under it).</summary>
    public Member? SenderOf(ChatMessage message) => _members.Find(m => m.Id == message.SenderId);

    /// <summary>Routes a chat that is not routed yet (Web Messaging's Presence Join, the "auto start").</summary>
    public void RouteIfNew()
    {
        lock (_gate)
        {
            if (Phase == ChatPhase.Created)
            {
                Route();
            }
        }
    }

    /// <summary>The transcript's standard messages, newest first, a page at a time (Web Messaging's history).</summary>
    public (List<(ChatMessage Message, Member? Sender)> Page, int Total) History(int pageNumber, int pageSize)
    {
        lock (_gate)
        {
            var standard = _messages.Where(m => m.BodyType == BodyType.Standard).ToList();
            standard.Reverse();
            return ([.. standard.Skip((pageNumber - 1) * pageSize).Take(pageSize).Select(m => (m, SenderOf(m)))], standard.Count);
        }
    }

    private ChatMessage Append(string senderId, string body, BodyType bodyType, string? tracingId = null)
    {
        var message = new ChatMessage(Guid.NewGuid().ToString(), Id, senderId, body, bodyType, NextTimestamp()) { TracingId = tracingId };
        _messageIndex[message.Id] = _messages.Count;
        _messages.Add(message);
        Broadcast(new MessageAppended(message));
        return message;
    }

    /// <summary>Tells every socket of this chat, each in its API's frames (made once per API).</summary>
    private void Broadcast(ChatEvent chatEvent)
    {
        IFrameRenderer? renderedBy = null;
        byte[]? frame = null;
        var messageId = (chatEvent as MessageAppended)?.Message.Id;
        foreach (var socket in _sockets)
        {
            if (!ReferenceEquals(socket.Frames, renderedBy))
            {
                renderedBy = socket.Frames;
                frame = renderedBy.Render(this, chatEvent);
            }

            if (frame is not null)
            {
                socket.Send(frame, messageId);
            }
        }
    }

    /// <summary>Millisecond timestamps, strictly increasing within a chat so that timestamp order is transcript order.</summary>
    private DateTimeOffset NextTimestamp()
    {
        var now = _platform.Time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        _lastTimestamp = now > _lastTimestamp ? now : _lastTimestamp.AddMilliseconds(1);
        return _lastTimestamp;
    }

    private TranscriptEntry TranscriptEntry(ChatMessage message)
    {
        var sender = _members.Find(m => m.Id == message.SenderId);
        return new TranscriptEntry
        {
            Id = message.Id,
            SenderId = message.SenderId,
            SenderRole = sender?.Role,
            SenderName = sender?.DisplayName,
            Body = message.Body,
            BodyType = message.BodyType,
            Timestamp = message.Timestamp,
        };
    }

    private Scheduled StartTimer(TimeSpan due, Action<Conversation> action, bool track = true, bool evenWhenEnded = false)
    {
        var scheduled = new Scheduled();
        if (track)
        {
            _timers.Add(scheduled);
        }

        // Callers hold the lock, so the callback cannot run before Timer is assigned.
        scheduled.Timer = _platform.Time.CreateTimer(_ =>
        {
            lock (_gate)
            {
                scheduled.Timer?.Dispose();
                if (scheduled.Cancelled)
                {
                    return;
                }

                _timers.Remove(scheduled);
                if (evenWhenEnded || Phase != ChatPhase.Ended)
                {
                    action(this);
                }
            }
        }, null, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
        return scheduled;
    }

    private static void CancelTimer(ref Scheduled? timer)
    {
        timer?.Cancel();
        timer = null;
    }

    /// <summary>A pending timer action that can be called off.</summary>
    private sealed class Scheduled
    {
        public ITimer? Timer { get; set; }

        public bool Cancelled { get; private set; }

        public void Cancel()
        {
            Cancelled = true;
            Timer?.Dispose();
        }
    }
}
