namespace GuestChat.Emulator.Control;

/// <summary>What the emulator counts. Names are the keys of <c>GET /emulator/counters</c> (camelCased).</summary>
public enum EmulatorCounter
{
    /// <summary>Chats created by guests.</summary>
    ChatsCreated,

    /// <summary>Chats whose guest attached a socket, which routes them.</summary>
    ChatsRouted,

    /// <summary>Chats ended by the guest leaving.</summary>
    ChatsEndedByGuest,

    /// <summary>Chats ended by the agent.</summary>
    ChatsEndedByAgent,

    /// <summary>Chats ended because the guest's socket stayed away past the grace window.</summary>
    ChatsAbandoned,

    /// <summary>Agents that answered a chat (a transfer counts again).</summary>
    AgentsConnected,

    /// <summary>Transfers.</summary>
    Transfers,

    /// <summary>Sockets accepted.</summary>
    SocketsOpened,

    /// <summary>Sockets that have ended, however.</summary>
    SocketsClosed,

    /// <summary>Sockets closed by the emulator with 1000 after the chat ended.</summary>
    SocketsClosedAfterEnd,

    /// <summary>Sockets given up because their reader fell too far behind.</summary>
    SocketsSlowConsumer,

    /// <summary>Frames queued to sockets, heartbeats included.</summary>
    FramesSent,

    /// <summary>Heartbeat frames queued.</summary>
    HeartbeatsSent,

    /// <summary>Guest API requests received.</summary>
    Requests,

    /// <summary>Guest API answers with a 2xx status.</summary>
    Responses2xx,

    /// <summary>Guest API answers with a 4xx status (injected 429s included).</summary>
    Responses4xx,

    /// <summary>Guest API answers with a 5xx status (injected ones included).</summary>
    Responses5xx,

    /// <summary>Messages posted by guests and accepted.</summary>
    GuestMessages,

    /// <summary>Typing indicators posted by guests and accepted.</summary>
    GuestTyping,

    /// <summary>Messages sent by agents (replies, greetings, commands).</summary>
    AgentMessages,

    /// <summary>Typing indicators sent by agents.</summary>
    AgentTyping,

    /// <summary>Media requests raised.</summary>
    MediaRequestsRaised,

    /// <summary>Media requests answered by the guest.</summary>
    MediaRequestsAnswered,

    /// <summary>Injected: requests answered 429.</summary>
    FaultThrottled,

    /// <summary>Requests answered 429 because the organization's budget (<c>Faults:OrganizationRequestsPerSecond</c>) was spent.</summary>
    OrganizationThrottled,

    /// <summary>Injected: requests answered 502.</summary>
    FaultBadGateway,

    /// <summary>Injected: requests answered 503.</summary>
    FaultServiceUnavailable,

    /// <summary>Injected: requests answered 504 without being carried out.</summary>
    FaultGatewayTimeout,

    /// <summary>Injected: requests carried out and then answered 504 (outcome unknown to the caller).</summary>
    FaultGatewayTimeoutAfterApply,

    /// <summary>Injected: requests delayed.</summary>
    FaultDelayed,

    /// <summary>Injected: sockets dropped.</summary>
    FaultSocketsDropped,

    /// <summary>Injected: heartbeats withheld.</summary>
    FaultHeartbeatsWithheld,

    /// <summary>Web Messaging: sessions started (a new token, or <c>startNew</c> after the end).</summary>
    MessagingSessionsStarted,

    /// <summary>Web Messaging: sessions resumed on a new socket with their token.</summary>
    MessagingSessionsResumed,

    /// <summary>Web Messaging: guest requests answered with an error frame (4006, 4007, 4011, 4013, 4020, 400).</summary>
    MessagingErrors,

    /// <summary>Web Messaging: guest messages refused with 4029, over the session's rate or injected.</summary>
    MessagingRateLimited,
}
