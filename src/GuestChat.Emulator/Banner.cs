using System.Text;
using GuestChat.Emulator.Options;

namespace GuestChat.Emulator;

/// <summary>What the executable prints: its usage, and at start where it listens and which ids to use.</summary>
internal static class Banner
{
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--faults"] = "Emulator:Faults:Profile",
        ["--heartbeat"] = "Emulator:Timing:HeartbeatInterval",
        ["--grace"] = "Emulator:Timing:GraceWindow",
    };

    public const string Usage = """
        GuestChat.Emulator: a faithful emulator of the Genesys Cloud guest chat API.

        Usage: dotnet run --project src/GuestChat.Emulator -- [--urls http://127.0.0.1:5080] [options]

          --urls URL            where to listen (default http://localhost:5000)
          --faults PROFILE      none (default), chaos, flaky or slow
          --heartbeat HH:MM:SS  heartbeat interval (default 00:00:30)
          --grace HH:MM:SS      grace window for a guest without a socket (default 00:02:00)
          --Emulator:KEY=VALUE  any other option, for example --Emulator:Timing:AgentAnswerDelay=00:00:05

        Environment variables work too: Emulator__Faults__Profile=chaos.
        The README lists every option, the default deployments and queues, and the control API.
        """;

    public static string Describe(IEnumerable<string> urls, EmulatorOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine("GuestChat emulator (Genesys Cloud guest chat API, ACD Web Chat v2)");
        foreach (var url in urls)
        {
            text.AppendLine($"  base URL:      {url}   (API under /api/v2/webchat/guest, control API under /emulator)");
        }

        text.AppendLine($"  organization:  {options.OrganizationId}");
        foreach (var deployment in options.Deployments)
        {
            var traits = new List<string>();
            if (!deployment.Enabled)
            {
                traits.Add("disabled");
            }

            if (deployment.RequireAuthentication)
            {
                traits.Add("requires memberAuthToken");
            }

            if (deployment.FlowGreeting is not null)
            {
                traits.Add("flow greeting");
            }

            text.AppendLine($"  deployment:    {deployment.Id}  {deployment.Name}{(traits.Count > 0 ? $" ({string.Join(", ", traits)})" : "")}");
        }

        foreach (var queue in options.Queues)
        {
            text.AppendLine($"  queue:         \"{queue.Name}\"  agents {queue.Agent.Reply.ToString().ToLowerInvariant()}");
        }

        text.AppendLine($"  faults:        {options.Faults.Resolve().Profile}");
        text.Append("Serving until stopped (Ctrl+C).");
        return text.ToString();
    }
}
