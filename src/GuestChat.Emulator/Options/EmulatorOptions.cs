namespace GuestChat.Emulator.Options;

/// <summary>
/// Everything the emulator can be told, bound from the <c>Emulator</c> configuration section.
/// Lists left empty get the defaults of <see cref="EmulatorDefaults"/>.
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Emulator";

    /// <summary>The one organization this emulator serves.</summary>
    public string OrganizationId { get; set; } = EmulatorDefaults.OrganizationId;

    /// <summary>The web chat deployments guests may create chats on.</summary>
    public List<DeploymentOptions> Deployments { get; set; } = [];

    /// <summary>The queues a routing target may name, each with the behaviour of its agents.</summary>
    public List<QueueOptions> Queues { get; set; } = [];

    /// <summary>Delays and windows of the chat life cycle.</summary>
    public TimingOptions Timing { get; set; } = new();

    /// <summary>The faults in force at start; change them at run time through the control API.</summary>
    public FaultOptions Faults { get; set; } = new();

    /// <summary>The largest request body accepted before 413.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Whether to keep when each message's frame was written to each socket (<c>GET /emulator/sent</c>): for benchmarks; off by default.</summary>
    public bool RecordSendTimes { get; set; }

    /// <summary>Frames a socket may have waiting before the emulator gives up on it as too slow.</summary>
    public int SocketOutboxLimit { get; set; } = 4096;

    /// <summary>
    /// The default deployments and queues with a life cycle in tens of milliseconds (an agent alerted
    /// and answering within 40 ms, replies after 20 ms, sockets closed 100 ms after the end): for tests
    /// and quick demos. Change what a test needs on the result.
    /// </summary>
    public static EmulatorOptions Quick()
    {
        var options = new EmulatorOptions
        {
            Queues = EmulatorDefaults.Queues(),
            Timing = new TimingOptions
            {
                AgentAlertDelay = TimeSpan.FromMilliseconds(20),
                AgentAnswerDelay = TimeSpan.FromMilliseconds(20),
                SocketCloseDelay = TimeSpan.FromMilliseconds(100),
            },
        };
        foreach (var queue in options.Queues)
        {
            queue.Agent.ThinkTime = TimeSpan.FromMilliseconds(10);
            queue.Agent.TypingTime = TimeSpan.FromMilliseconds(10);
        }

        return options;
    }

    /// <summary>
    /// Options from the executable's settings (<c>--Emulator:Faults:Profile=chaos</c>, or the short
    /// switches of <c>--help</c>), laid over <paramref name="baseline"/> (or the defaults); not yet normalized.
    /// </summary>
    public static EmulatorOptions FromSettings(IEnumerable<string> settings, EmulatorOptions? baseline = null)
    {
        var options = baseline ?? new EmulatorOptions();
        new ConfigurationBuilder().AddCommandLine([.. settings], Banner.SwitchMappings).Build().GetSection(Section).Bind(options);
        return options;
    }

    /// <summary>Fills empty lists with the defaults and checks the rest; throws on nonsense.</summary>
    public EmulatorOptions Normalize()
    {
        if (Deployments.Count == 0)
        {
            Deployments = EmulatorDefaults.Deployments();
        }

        if (Queues.Count == 0)
        {
            Queues = EmulatorDefaults.Queues();
        }

        var problems = new List<string>();
        if (!Guid.TryParse(OrganizationId, out _))
        {
            problems.Add($"OrganizationId '{OrganizationId}' is not a GUID.");
        }

        foreach (var deployment in Deployments)
        {
            if (!Guid.TryParse(deployment.Id, out _))
            {
                problems.Add($"Deployment id '{deployment.Id}' is not a GUID.");
            }
        }

        foreach (var queue in Queues.Where(q => string.IsNullOrWhiteSpace(q.Name)))
        {
            problems.Add("A queue has no name.");
        }

        problems.AddRange(Timing.Problems());
        problems.AddRange(Faults.Problems());
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid emulator options: " + string.Join(" ", problems));
        }

        return this;
    }
}
