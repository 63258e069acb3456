using System.Text;
using System.Text.Json;
using GuestChat.Actors.Conversations;
using GuestChat.Client.Models;
using GuestChat.Host.Amqp;
using GuestChat.Host.Api;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Host.Run;

/// <summary>
/// Drives chats as a message-queue integration would: each command published to the service's command
/// queue (persistent, confirmed by the broker), every event read from a queue of its own bound to
/// <c>chat.#</c> on the event exchange and turned back into the conversation's event.
/// </summary>
internal sealed class AmqpDriver(AmqpOptions options) : IChatDriver
{
    private IConnection? _connection;
    private IChannel? _commands;
    private IChannel? _events;

    public async Task SubscribeAsync(Action<IWithConversationKey> onEvent, CancellationToken cancellationToken)
    {
        _connection = await new ConnectionFactory { Uri = new Uri(options.Uri!), ClientProvidedName = "guestchat-run" }.CreateConnectionAsync(cancellationToken);
        _commands = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        _events = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await AmqpTopology.DeclareAsync(_events, options, cancellationToken);
        var queue = (await _events.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken)).QueueName;
        await _events.QueueBindAsync(queue, options.EventExchange, "chat.#", cancellationToken: cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(_events);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            if (EventOf(delivery) is { } told)
            {
                onEvent(told);
            }

            return Task.CompletedTask;
        };
        await _events.BasicConsumeAsync(queue, autoAck: true, consumer, cancellationToken);
    }

    public Task StartAsync(ConversationKey key, CreateWebChatConversationRequest request, CancellationToken cancellationToken) =>
        PublishAsync("chat.start", key, $"start-{key.Value}", new ChatRequests.CreateChat(null, request.OrganizationId, request.DeploymentId, request.RoutingTarget, request.MemberInfo, null, null), cancellationToken);

    public Task TypingAsync(ConversationKey key, CancellationToken cancellationToken) =>
        PublishAsync("chat.typing", key, $"typing-{Guid.NewGuid():N}", null, cancellationToken);

    public Task SendAsync(ConversationKey key, string body, string clientMessageId, CancellationToken cancellationToken) =>
        PublishAsync("chat.send", key, clientMessageId, new ChatRequests.SendMessage(body, BodyType.Standard, null), cancellationToken);

    public Task EndAsync(ConversationKey key, CancellationToken cancellationToken) =>
        PublishAsync("chat.end", key, $"end-{key.Value}", null, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.CloseAsync();
            _connection.Dispose();
        }
    }

    private async Task PublishAsync(string type, ConversationKey key, string messageId, object? body, CancellationToken cancellationToken) =>
        await QueueCommand.PublishAsync(_commands!, options.CommandQueue, type, key.Value, messageId,
            body is null ? ReadOnlyMemory<byte>.Empty : JsonSerializer.SerializeToUtf8Bytes(body, ApiJson.Options), cancellationToken: cancellationToken);

    /// <summary>The conversation event a published event stands for; null for one the run does not follow.</summary>
    private static IWithConversationKey? EventOf(BasicDeliverEventArgs delivery)
    {
        var body = delivery.Body.Span;
        var options = ApiJson.Options;
        return delivery.BasicProperties.Type switch
        {
            "started" when JsonSerializer.Deserialize<EventViews.StartedView>(body, options) is { } e => new Started(new ConversationKey(e.Key), e.ConversationId, e.MemberId),
            "state" when JsonSerializer.Deserialize<EventViews.StateView>(body, options) is { } e => new StateChanged(new ConversationKey(e.Key), e.State),
            "message" when JsonSerializer.Deserialize<EventViews.MessageView>(body, options) is { } e =>
                new MessageReceived(new ConversationKey(e.Key), e.MessageId, new Member(e.Sender.Id, e.Sender.Role, e.Sender.DisplayName, e.Sender.State), e.Body, e.BodyType, e.Timestamp, e.Sequence),
            "reconnecting" when JsonSerializer.Deserialize<EventViews.ReconnectingView>(body, options) is { } e => new Reconnecting(new ConversationKey(e.Key), e.Attempt, TimeSpan.FromMilliseconds(e.DelayMs)),
            "ended" when JsonSerializer.Deserialize<EventViews.EndedView>(body, options) is { } e => new Ended(new ConversationKey(e.Key), e.Reason),
            _ => null,
        };
    }
}
