using GuestChat.Emulator.Control;

namespace GuestChat.Emulator;

/// <summary>An emulator that is up, in this process (<see cref="GuestChatEmulator"/>) or in its own (<see cref="EmulatorProcess"/>).</summary>
public interface IRunningEmulator : IAsyncDisposable
{
    /// <summary>The API base URL, for example <c>http://127.0.0.1:41234</c>.</summary>
    Uri BaseUrl { get; }

    /// <summary>One chat as the control API shows it, with transcript; null when unknown.</summary>
    Task<ConversationSnapshot?> ConversationAsync(string conversationId, CancellationToken cancellationToken);
}
