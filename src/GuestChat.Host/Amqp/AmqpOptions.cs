namespace GuestChat.Host.Amqp;

/// <summary>
/// The <c>Amqp</c> settings: the broker (off when <see cref="Uri"/> is not set) and the names of what the
/// service declares on it at start.
/// </summary>
internal sealed class AmqpOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Amqp";

    /// <summary>The broker, <c>amqp://user:password@host:5672/vhost</c>; holds a password, so it is never logged (only its host and port are).</summary>
    public string? Uri { get; set; }

    /// <summary>The quorum queue the service takes commands from.</summary>
    public string CommandQueue { get; set; } = "guestchat.commands";

    /// <summary>The topic exchange the chats' events are published to, routing key <c>chat.&lt;event&gt;</c>.</summary>
    public string EventExchange { get; set; } = "guestchat.events";

    /// <summary>The exchange a command the service cannot carry out goes to, with the reason in its headers.</summary>
    public string DeadLetterExchange { get; set; } = "guestchat.dead-letters";

    /// <summary>The queue bound to <see cref="DeadLetterExchange"/>, where dead-lettered commands wait to be looked at.</summary>
    public string DeadLetterQueue { get; set; } = "guestchat.dead-letters";

    /// <summary>Commands delivered to the service and not yet acknowledged, at most.</summary>
    public ushort Prefetch { get; set; } = 200;

    /// <summary>Deliveries of one command before the broker dead-letters it (a command that keeps failing).</summary>
    public int DeliveryLimit { get; set; } = 5;

    /// <summary>Whether the surface is on.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Uri);

    /// <summary>The broker without its credentials, for logs and health.</summary>
    public string Where => System.Uri.TryCreate(Uri, UriKind.Absolute, out var uri) ? $"{uri.Host}:{(uri.IsDefaultPort ? 5672 : uri.Port)}{uri.AbsolutePath}" : "(not a URI)";
}
