using System.Text.Json;
using System.Text.Json.Serialization;

namespace GuestChat.Host.Run;

/// <summary>What a scripted guest does in each chat of a run; read from a JSON file in config/scenarios.</summary>
public sealed record Scenario
{
    /// <summary>For people.</summary>
    public string? Description { get; init; }

    /// <summary>The queue to ask for; null: <c>--queue</c>, or the emulator's first.</summary>
    public string? Queue { get; init; }

    /// <summary>The guest's display name.</summary>
    public string DisplayName { get; init; } = "Scripted Guest";

    /// <summary>What the guest says, in order; a run with more messages than this repeats them.</summary>
    public IReadOnlyList<string> Messages { get; init; } = ["Hello"];

    /// <summary>Whether the guest types before each message.</summary>
    public bool TypeBeforeSending { get; init; } = true;

    /// <summary>How long the guest "types" before sending; kept on <c>run</c>'s shared think tick, so up to 50 ms more, never less.</summary>
    public int ThinkTimeMs { get; init; } = 200;

    /// <summary>Whether the guest waits for the agent's answer before its next message.</summary>
    public bool WaitForReply { get; init; } = true;

    /// <summary>How long to wait for an answer before counting it as missing.</summary>
    public int ReplyTimeoutSeconds { get; init; } = 30;

    /// <summary>accept, decline or ask (leave unanswered).</summary>
    public string MediaRequests { get; init; } = "accept";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads a scenario file, with an error that names the file and the problem.</summary>
    public static Scenario Load(string nameOrPath)
    {
        // A bare name (steady) means a scenario shipped in config/scenarios beside the program.
        var shipped = Path.Combine(AppContext.BaseDirectory, "config", "scenarios", Path.HasExtension(nameOrPath) ? nameOrPath : nameOrPath + ".json");
        var path = File.Exists(nameOrPath) ? nameOrPath : File.Exists(shipped) ? shipped : null;
        if (path is null)
        {
            throw new ArgumentException($"Scenario file {nameOrPath} does not exist (a path, or the name of one in config/scenarios).");
        }

        try
        {
            var scenario = JsonSerializer.Deserialize<Scenario>(File.ReadAllText(path), Options)
                ?? throw new ArgumentException($"Scenario file {path} is empty.");
            return scenario.Validate(path);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"Scenario file {path} is not valid: {e.Message}", e);
        }
    }

    private Scenario Validate(string path)
    {
        if (Messages.Count == 0 || Messages.Any(m => string.IsNullOrEmpty(m) || m.Length > 4000))
        {
            throw new ArgumentException($"Scenario file {path}: messages must hold 1 or more texts of 1 to 4,000 characters.");
        }

        if (MediaRequests is not ("accept" or "decline" or "ask"))
        {
            throw new ArgumentException($"Scenario file {path}: mediaRequests must be accept, decline or ask.");
        }

        if (ThinkTimeMs < 0 || ReplyTimeoutSeconds <= 0)
        {
            throw new ArgumentException($"Scenario file {path}: thinkTimeMs must be >= 0 and replyTimeoutSeconds > 0.");
        }

        return this;
    }
}
