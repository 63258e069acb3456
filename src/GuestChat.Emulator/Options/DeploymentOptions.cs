namespace GuestChat.Emulator.Options;

/// <summary>A web chat deployment: what a guest names in <c>deploymentId</c>.</summary>
public sealed class DeploymentOptions
{
    /// <summary>The deployment id (a GUID).</summary>
    public string Id { get; set; } = "";

    /// <summary>A name for people.</summary>
    public string Name { get; set; } = "";

    /// <summary>A disabled deployment refuses new chats with <c>chat.deployment.disabled</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Guests must bring a <c>memberAuthToken</c> from the control API's signeddata.</summary>
    public bool RequireAuthentication { get; set; }

    /// <summary>When set, an inbound flow greets the guest as a WORKFLOW member before the queue.</summary>
    public string? FlowGreeting { get; set; }

    /// <summary>The queue a Web Messaging conversation on this deployment is routed to (its inbound message flow's); the first queue when not set.</summary>
    public string? MessagingQueue { get; set; }

    /// <summary>Origins allowed to create chats; empty allows all. Others get 403 <c>origin.not.allowed</c>.</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}
