namespace GuestChat.Actors.Conversations;

/// <summary>How every conversation behaves; bound from configuration by the hosting extension.</summary>
public sealed record ConversationSettings
{
    /// <summary>The server's heartbeat interval; no frame for 2.5 of these means the socket is dead.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first reconnect delay; doubled each attempt, with full jitter.</summary>
    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest reconnect delay.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to keep reconnecting; a little under the server's 2-minute grace window.</summary>
    public TimeSpan ReconnectWindow { get; init; } = TimeSpan.FromSeconds(110);

    /// <summary>Guest typing is sent at most once per this.</summary>
    public TimeSpan TypingInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long another member's typing lasts unless that member speaks first.</summary>
    public TimeSpan AgentTypingExpiry { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How long before the JWT expires the subscribers are warned.</summary>
    public TimeSpan JwtExpiryWarning { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How media requests are answered without a command.</summary>
    public MediaRequestDecision MediaRequestPolicy { get; init; } = MediaRequestDecision.Ask;

    /// <summary>Messages per page when backfilling after a reconnect.</summary>
    public int BackfillPageSize { get; init; } = 100;

    /// <summary>
    /// Attempts for a send (and a create or a leave) whose outcome keeps coming back unknown. Each repeat
    /// is safe (a send only after the transcript shows it did not arrive), so this only bounds a loop:
    /// at 5 % of calls failing, 8 attempts give up once in about 25 billion sends.
    /// </summary>
    public int SendAttempts { get; init; } = 8;

    /// <summary>How many recent messages are searched for a send whose outcome was unknown.</summary>
    public int SendCheckDepth { get; init; } = 50;

    /// <summary>The most conversations held at once (ended ones until their retention is over); a Start beyond it is rejected as <see cref="RejectionKind.AtCapacity"/>.</summary>
    public int MaxConversations { get; init; } = int.MaxValue;

    /// <summary>How long an ended conversation stays readable (state, transcript) before it is stopped and its key freed.</summary>
    public TimeSpan EndedRetention { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>With a durable journal, a snapshot of the conversation is saved after this many facts, so a long chat recovers from it instead of from its first fact.</summary>
    public int SnapshotEvery { get; init; } = 500;

    /// <summary>The watchdog's timeout: 2.5 heartbeat intervals.</summary>
    public TimeSpan WatchdogTimeout => HeartbeatInterval * 2.5;
}
