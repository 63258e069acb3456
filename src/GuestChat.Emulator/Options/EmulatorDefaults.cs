namespace GuestChat.Emulator.Options;

/// <summary>The organization, deployments and queues an emulator has out of the box (listed in the README).</summary>
public static class EmulatorDefaults
{
    /// <summary>The organization id.</summary>
    public const string OrganizationId = "6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10";

    /// <summary>The plain deployment: no flow, no authentication.</summary>
    public const string DeploymentId = "2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30";

    /// <summary>A deployment whose inbound flow greets the guest first.</summary>
    public const string FlowDeploymentId = "7d3e5f60-2a1b-4c8d-9e0f-1a2b3c4d5e61";

    /// <summary>A deployment that requires an authenticated guest (<c>memberAuthToken</c>).</summary>
    public const string AuthenticatedDeploymentId = "9e8f7a6b-5c4d-4e3f-8a1b-0c9d8e7f6a52";

    /// <summary>A deployment that is switched off.</summary>
    public const string DisabledDeploymentId = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

    /// <summary>The queue whose agents echo every message.</summary>
    public const string QueueName = "Chat Queue";

    /// <summary>The queue whose agents answer from a script.</summary>
    public const string ScriptedQueueName = "Scripted Queue";

    /// <summary>The queue whose agents raise a co-browse request after the first exchange.</summary>
    public const string MediaQueueName = "Media Queue";

    /// <summary>The queue whose agents end the chat after three exchanges.</summary>
    public const string ShortQueueName = "Short Queue";

    /// <summary>The queue whose agents speak only when the control API tells them to.</summary>
    public const string SilentQueueName = "Silent Queue";

    /// <summary>The default deployments.</summary>
    public static List<DeploymentOptions> Deployments() =>
    [
        new() { Id = DeploymentId, Name = "Web chat" },
        new() { Id = FlowDeploymentId, Name = "Web chat with flow", FlowGreeting = "Welcome! Finding someone to help you." },
        new() { Id = AuthenticatedDeploymentId, Name = "Authenticated web chat", RequireAuthentication = true },
        new() { Id = DisabledDeploymentId, Name = "Retired web chat", Enabled = false },
    ];

    /// <summary>The default queues.</summary>
    public static List<QueueOptions> Queues() =>
    [
        new() { Name = QueueName, Agent = new() { Names = ["Alice Agent", "Bob Agent", "Carol Agent"] } },
        new()
        {
            Name = ScriptedQueueName,
            Agent = new()
            {
                Names = ["Dana Agent", "Evan Agent"],
                Reply = AgentReplyMode.Script,
                Greeting = "Hi, this is Dana. How can I help?",
                Script = ["Thanks, let me look into that.", "I see. One moment please.", "Is there anything else I can do?"],
            },
        },
        new()
        {
            Name = MediaQueueName,
            Agent = new() { Names = ["Frank Agent"], MediaRequestAfterExchanges = 1, MediaRequestTypes = ["COBROWSE"] },
        },
        new() { Name = ShortQueueName, Agent = new() { Names = ["Gina Agent"], EndAfterExchanges = 3 } },
        new() { Name = SilentQueueName, Agent = new() { Names = ["Hank Agent"], Reply = AgentReplyMode.Silent } },
    ];
}
