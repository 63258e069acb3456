using GuestChat.Emulator.Control;

namespace GuestChat.Emulator;

/// <summary>An emulator that is up, in this process (<see cref="GuestChatEmulator"/>) or in its own (<see cref="EmulatorProcess"/>).</summary>
public interface IRunningEmulator : IAsyncDisposable
{
    /// <summary>The API base URL, for example <c>http://127.0.0.1:41234</c>.</summary>
    Uri BaseUrl { get; }

    /// <summary>What a chat on this emulator is created with unless told otherwise: its organization, its plain deployment and its first queue.</summary>
    EmulatorChatDefaults ChatDefaults { get; }

    /// <summary>One chat as the control API shows it, with transcript; null when unknown.</summary>
    Task<ConversationSnapshot?> ConversationAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>The ids of every chat it holds, or of those created at or after <paramref name="createdSince"/>.</summary>
    Task<IReadOnlyList<string>> ConversationIdsAsync(DateTimeOffset? createdSince, CancellationToken cancellationToken);
}

/// <summary>The organization, deployment and queue a chat on an emulator is created with by default.</summary>
public sealed record EmulatorChatDefaults(string OrganizationId, string DeploymentId, string Queue)
{
    /// <summary>The defaults of an emulator with these options: the first enabled deployment that needs no authentication, and the first queue.</summary>
    public static EmulatorChatDefaults Of(Options.EmulatorOptions options) => new(
        options.OrganizationId,
        options.Deployments.First(d => d.Enabled && !d.RequireAuthentication).Id,
        options.Queues[0].Name);
}
