namespace GuestChat.Host.Serve;

/// <summary>The <c>Service</c> section: how the HTTP service protects itself and logs.</summary>
public sealed class ServiceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Service";

    /// <summary>
    /// The key every request but <c>/healthz</c> must carry (<c>X-Api-Key</c>, or <c>Authorization: Bearer</c>).
    /// A secret: set it in the environment (<c>GUESTCHAT_Service__ApiKey</c>), never in a file.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary><c>console</c> (human-readable lines) or <c>json</c> (one compact JSON object per event).</summary>
    public string LogFormat { get; set; } = "console";

    /// <summary>How many events a slow server-sent-events reader may fall behind before the service closes its stream.</summary>
    public int EventStreamBuffer { get; set; } = 10_000;
}
