using GuestChat.Client.Models;
using GuestChat.Emulator.Options;

namespace GuestChat.Emulator.Control;

/// <summary>Body of <c>POST /emulator/conversations/{id}/agent/messages</c>.</summary>
public sealed record AgentMessageCommand
{
    /// <summary>What the agent says.</summary>
    public string? Body { get; init; }

    /// <summary>standard (default) or notice.</summary>
    public BodyType? BodyType { get; init; }
}

/// <summary>
/// Body of <c>POST /emulator/agents/messages</c>: the agents of many chats speak at a steady rate, in
/// turn, from inside the emulator (a load without an HTTP request per message).
/// </summary>
public sealed record AgentsSpeakCommand
{
    /// <summary>The chats whose agents speak, in turn: message n goes to the chat at n modulo their count.</summary>
    public IReadOnlyList<string>? ConversationIds { get; init; }

    /// <summary>How many messages, across all the chats.</summary>
    public int? Count { get; init; }

    /// <summary>How many a second, spread evenly (each sent when it is due, to the millisecond or so).</summary>
    public int? MessagesPerSecond { get; init; }

    /// <summary>Message n says this followed by n; "m" when left out.</summary>
    public string? BodyPrefix { get; init; }
}

/// <summary>Answer of <c>POST /emulator/agents/messages</c>, once every message is sent or refused.</summary>
/// <param name="Sent">Messages sent.</param>
/// <param name="Refused">Messages refused: the chat had no connected agent (it ended, or its agent left).</param>
/// <param name="Seconds">From the first message to the last.</param>
public sealed record AgentsSpoke(int Sent, int Refused, double Seconds);

/// <summary>Body of <c>POST /emulator/conversations/{id}/agent/mediarequests</c>.</summary>
public sealed record MediaRequestCommand
{
    /// <summary>What to ask for; COBROWSE when left out.</summary>
    public IReadOnlyList<MediaType>? Types { get; init; }
}

/// <summary>Body of <c>POST /emulator/signeddata</c>, the emulator's stand-in for the platform's signeddata.</summary>
public sealed record SignedDataRequest
{
    /// <summary>Claims about the guest, signed into the token.</summary>
    public Dictionary<string, string>? Data { get; init; }

    /// <summary>Lifetime of the token; 10 minutes when left out.</summary>
    public int? LifetimeSeconds { get; init; }
}

/// <summary>Answer of <c>POST /emulator/signeddata</c>: the <c>memberAuthToken</c> to create a chat with.</summary>
public sealed record SignedDataResponse(string Jwt);

/// <summary>Answer of <c>POST .../sockets/drop</c>.</summary>
public sealed record SocketsDropped(int Dropped);

/// <summary>What <c>GET /emulator</c> tells: where things are and which ids to use.</summary>
public sealed record EmulatorInfo
{
    /// <summary>The API base URL, as the caller reached it.</summary>
    public required string ApiBaseUrl { get; init; }

    /// <summary>The organization id.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>The deployments.</summary>
    public required IReadOnlyList<DeploymentOptions> Deployments { get; init; }

    /// <summary>The queues and their agents' behaviour.</summary>
    public required IReadOnlyList<QueueOptions> Queues { get; init; }

    /// <summary>The life-cycle timing.</summary>
    public required TimingOptions Timing { get; init; }

    /// <summary>The faults in force.</summary>
    public required FaultSettings Faults { get; init; }
}
