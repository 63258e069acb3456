namespace GuestChat.Emulator.Options;

/// <summary>Delays and windows of the chat life cycle.</summary>
public sealed class TimingOptions
{
    /// <summary>From the socket being attached (the chat being queued) to an agent being offered it.</summary>
    public TimeSpan AgentAlertDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>From the agent being alerted to it answering.</summary>
    public TimeSpan AgentAnswerDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Between heartbeat frames on every socket.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a guest may be without a socket (or never attach one) before it is disconnected.</summary>
    public TimeSpan GraceWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a media request stays PENDING before it goes TIMEDOUT.</summary>
    public TimeSpan MediaRequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>After the guest goes DISCONNECTED, the sockets are closed (1000) this much later.</summary>
    public TimeSpan SocketCloseDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Lifetime of a guest JWT (real ones lived about 21 hours).</summary>
    public TimeSpan JwtLifetime { get; set; } = TimeSpan.FromHours(21);

    /// <summary>How long an ended chat stays readable (transcripts, control API) before it is forgotten.</summary>
    public TimeSpan EndedChatRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a Web Messaging session lasts from its start; after it, its token is answered 4006 (session expired).</summary>
    public TimeSpan MessagingSessionLifetime { get; set; } = TimeSpan.FromHours(72);

    internal IEnumerable<string> Problems()
    {
        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            yield return "Timing.HeartbeatInterval must be positive.";
        }

        if (MessagingSessionLifetime <= TimeSpan.Zero)
        {
            yield return "Timing.MessagingSessionLifetime must be positive.";
        }

        if (JwtLifetime <= TimeSpan.Zero)
        {
            yield return "Timing.JwtLifetime must be positive.";
        }

        foreach (var (name, value) in new[]
                 {
                     ("AgentAlertDelay", AgentAlertDelay), ("AgentAnswerDelay", AgentAnswerDelay),
                     ("GraceWindow", GraceWindow), ("MediaRequestTimeout", MediaRequestTimeout),
                     ("SocketCloseDelay", SocketCloseDelay), ("EndedChatRetention", EndedChatRetention),
                 })
        {
            if (value < TimeSpan.Zero)
            {
                yield return $"Timing.{name} must not be negative.";
            }
        }
    }
}
