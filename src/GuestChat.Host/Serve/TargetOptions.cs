namespace GuestChat.Host.Serve;

/// <summary>The <c>Target</c> section: which guest chat API the service talks to, and the defaults of a new chat.</summary>
public sealed class TargetOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Target";

    /// <summary>The value that means the emulator started in-process.</summary>
    public const string Embedded = "embedded";

    /// <summary><c>embedded</c>, a region domain (<c>mypurecloud.ie</c>) or a base URL.</summary>
    public string Environment { get; set; } = Embedded;

    /// <summary>The organization of new chats, unless a create request names one; required for a real target (the embedded emulator supplies its own).</summary>
    public string? OrganizationId { get; set; }

    /// <summary>The web chat deployment of new chats, unless a create request names one; required for a real target.</summary>
    public string? DeploymentId { get; set; }

    /// <summary>The queue new chats are routed to, unless a create request names a routing target; required for a real target.</summary>
    public string? Queue { get; set; }

    /// <summary>The embedded emulator's fault profile (<c>none</c>, <c>chaos</c>, <c>flaky</c>, <c>slow</c>).</summary>
    public string EmulatorFaults { get; set; } = "none";

    /// <summary>
    /// The most requests per second the client ever sends. A budget below it is found from the 429s
    /// and kept to; random 429s do not lower it (see the client's HostRateLimiter).
    /// </summary>
    public double RequestsPerSecond { get; set; } = 1000;

    /// <summary>The guest API conversations speak: <c>GuestChat</c> (the default) or <c>WebMessaging</c>, its successor.</summary>
    public GuestChat.Client.GuestApi Transport { get; set; } = GuestChat.Client.GuestApi.GuestChat;

    /// <summary>The web page origin Web Messaging guests present (a deployment may allow only some origins).</summary>
    public string? Origin { get; set; }

    /// <summary>Whether the target is the embedded emulator.</summary>
    public bool IsEmbedded => string.Equals(Environment, Embedded, StringComparison.OrdinalIgnoreCase);
}
