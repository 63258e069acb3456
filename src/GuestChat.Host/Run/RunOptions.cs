namespace GuestChat.Host.Run;

/// <summary>What <c>run</c> was asked to do.</summary>
public sealed record RunOptions
{
    /// <summary>How many chats to open.</summary>
    public int Chats { get; init; } = 50;

    /// <summary>How many messages each guest sends.</summary>
    public int Messages { get; init; } = 3;

    /// <summary>Chats started per second.</summary>
    public double Ramp { get; init; } = 25;

    /// <summary>The scenario file.</summary>
    public required string ScenarioPath { get; init; }

    /// <summary>A region or base URL; null for the embedded emulator.</summary>
    public string? Target { get; init; }

    /// <summary>The organization of the chats; required with a <see cref="Target"/> that is not an emulator (an emulator says its own).</summary>
    public string? Organization { get; init; }

    /// <summary>The web chat deployment of the chats; required with a <see cref="Target"/> that is not an emulator.</summary>
    public string? Deployment { get; init; }

    /// <summary>The queue the chats ask for; required with <see cref="Target"/> unless the scenario names one.</summary>
    public string? Queue { get; init; }

    /// <summary>Settings for the embedded emulator, as its executable takes them (<c>--Emulator:Faults:OrganizationRequestsPerSecond=100</c>).</summary>
    public IReadOnlyList<string> EmulatorSettings { get; init; } = [];

    /// <summary>The embedded emulator's fault profile.</summary>
    public string Faults { get; init; } = "none";

    /// <summary>Where the embedded emulator runs: <c>auto</c> (in this process up to <see cref="InProcessLimit"/> chats, in its own above), <c>in-process</c> or <c>process</c>.</summary>
    public string Emulator { get; init; } = "auto";

    /// <summary>
    /// The most chats <c>auto</c> keeps the emulator in-process for: each chat holds a socket on both
    /// sides, and one process may have 20,000 open files here.
    /// </summary>
    public const int InProcessLimit = 4000;

    /// <summary>Whether the embedded emulator gets its own process.</summary>
    public bool EmulatorInOwnProcess => Emulator switch
    {
        "process" => true,
        "in-process" => false,
        _ => Chats > InProcessLimit,
    };

    /// <summary>Print the final report as one JSON object on the last line.</summary>
    public bool Json { get; init; }

    /// <summary>How the run drives its chats: <c>direct</c> (the conversations facade, in this process) or <c>amqp</c> (commands through the broker's command queue, events from its exchange).</summary>
    public string Via { get; init; } = "direct";

    /// <summary>Which guest API the chats speak: <c>guestchat</c> or <c>webmessaging</c>.</summary>
    public string Transport { get; init; } = "guestchat";

    /// <summary>The guest API of <see cref="Transport"/>.</summary>
    public GuestChat.Client.GuestApi Api => string.Equals(Transport, "webmessaging", StringComparison.OrdinalIgnoreCase) ? GuestChat.Client.GuestApi.WebMessaging : GuestChat.Client.GuestApi.GuestChat;

    /// <summary>The broker for <c>--via amqp</c>; none: a throw-away one started with scripts/rabbitmq.sh.</summary>
    public string? AmqpUri { get; init; }

    /// <summary>What is wrong with these options, or null.</summary>
    public string? Problem()
    {
        if (Chats < 1 || Messages < 0 || Ramp < 0)
        {
            return "--chats must be at least 1, --messages and --ramp at least 0.";
        }

        if (EmulatorSettings.FirstOrDefault(s => !s.StartsWith("--Emulator:", StringComparison.OrdinalIgnoreCase)) is { } unknown)
        {
            return $"Unknown option {unknown}; settings for the embedded emulator look like --Emulator:Faults:OrganizationRequestsPerSecond=100.";
        }

        if (EmulatorSettings.Count > 0 && Target is not null)
        {
            return "--Emulator:... settings are for the embedded emulator; there is none with --target.";
        }

        if (!string.Equals(Transport, "guestchat", StringComparison.OrdinalIgnoreCase) && !string.Equals(Transport, "webmessaging", StringComparison.OrdinalIgnoreCase))
        {
            return $"--transport is guestchat or webmessaging, not '{Transport}'.";
        }

        foreach (var (option, value) in new[] { ("--organization", Organization), ("--deployment", Deployment) })
        {
            if (value is not null && !Guid.TryParse(value, out _))
            {
                return $"{option} must be a GUID, not '{value}'.";
            }

        }

        return null;
    }
}
