using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Client.Models;

namespace GuestChat.Host.Run;

/// <summary>How <c>run</c> drives its chats and hears their events: straight through the conversations, or through the message queue.</summary>
internal interface IChatDriver : IAsyncDisposable
{
    /// <summary>Hands every chat's events to <paramref name="onEvent"/> from now on.</summary>
    Task SubscribeAsync(Action<IWithConversationKey> onEvent, CancellationToken cancellationToken);

    Task StartAsync(ConversationKey key, CreateWebChatConversationRequest request, CancellationToken cancellationToken);

    Task TypingAsync(ConversationKey key, CancellationToken cancellationToken);

    Task SendAsync(ConversationKey key, string body, string clientMessageId, CancellationToken cancellationToken);

    Task EndAsync(ConversationKey key, CancellationToken cancellationToken);
}

/// <summary>The conversations facade, in this process: each command's answer awaited.</summary>
internal sealed class DirectDriver(GuestChatConversations conversations) : IChatDriver
{
    private IDisposable? _subscription;

    public async Task SubscribeAsync(Action<IWithConversationKey> onEvent, CancellationToken cancellationToken) =>
        _subscription = await conversations.SubscribeAsync(null, onEvent, cancellationToken);

    public Task StartAsync(ConversationKey key, CreateWebChatConversationRequest request, CancellationToken cancellationToken) =>
        conversations.StartAsync(key, request, cancellationToken);

    public Task TypingAsync(ConversationKey key, CancellationToken cancellationToken) => conversations.SendTypingAsync(key, cancellationToken);

    public Task SendAsync(ConversationKey key, string body, string clientMessageId, CancellationToken cancellationToken) =>
        conversations.SendMessageAsync(key, body, clientMessageId: clientMessageId, cancellationToken: cancellationToken);

    public Task EndAsync(ConversationKey key, CancellationToken cancellationToken) => conversations.EndAsync(key, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        return ValueTask.CompletedTask;
    }
}
