using System.Globalization;

namespace GuestChat.Benchmarks.EmulatorCapacity;

/// <summary>What an emulator capacity run does; every field has a command-line switch.</summary>
internal sealed record CapacityOptions
{
    public int Chats { get; init; } = 10_000;

    public int Rate { get; init; } = 3_000;

    public int Seconds { get; init; } = 30;

    public int OpenConcurrency { get; init; } = 64;

    public int MaxInFlight { get; init; } = 1_024;

    public bool AgentEchoes { get; init; } = true;

    public string Output { get; init; } = Path.Combine("bench-results", "emulator-capacity.json");

    public const string Usage = """
        emulator [--chats 10000] [--rate 3000] [--seconds 30] [--open-concurrency 64] [--max-in-flight 1024]
                 [--agent echo|silent] [--out bench-results/emulator-capacity.json]

          Starts the emulator in its own process, opens --chats chats (create + websocket), waits for
          every agent, then posts --rate messages per second for --seconds across all chats and measures
          the posts, their socket echoes and (with --agent echo) the agents' replies.
        """;

    public static CapacityOptions Parse(string[] args)
    {
        var options = new CapacityOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number() => int.Parse(Value(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--chats" => options with { Chats = Number() },
                "--rate" => options with { Rate = Number() },
                "--seconds" => options with { Seconds = Number() },
                "--open-concurrency" => options with { OpenConcurrency = Number() },
                "--max-in-flight" => options with { MaxInFlight = Number() },
                "--agent" => options with { AgentEchoes = Value() switch { "echo" => true, "silent" => false, var other => throw new ArgumentException($"--agent {other}: echo or silent") } },
                "--out" => options with { Output = Value() },
                var other => throw new ArgumentException($"Unknown option {other}"),
            };
        }

        return options.Chats > 0 && options.Rate > 0 && options.Seconds > 0 ? options : throw new ArgumentException("--chats, --rate and --seconds must be positive");
    }
}
