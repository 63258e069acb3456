using System.Text;
using System.Text.Json;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Client.Models;
using GuestChat.Host.Api;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace GuestChat.Host.Amqp;

/// <summary>
/// Takes commands from the command queue and carries them out through the conversations, as the HTTP
/// API does. A command is acknowledged only once its conversation answered it (and so had journaled
/// it); a redelivered command has one effect (a send's <c>message_id</c> is its client message id; a
/// start or end already carried out counts as done). A command that cannot be carried out is
/// dead-lettered with the reason in its headers (<c>x-guestchat-error</c>: the ErrorBody the HTTP API
/// would answer) and acknowledged; one that failed in a way that may pass (Genesys unavailable, no answer
/// in time, at capacity) goes back to the queue after a second, and the broker dead-letters it after
/// <see cref="AmqpOptions.DeliveryLimit"/> deliveries. One chat's commands are carried out one after
/// another, in the order delivered (each once the one before it is answered); different chats' commands
/// concurrently, up to the prefetch. A command that got no answer in time (its chat's node died with it,
/// in a cluster) is asked again in place, with the same id, so it keeps its place before the chat's next.
/// </summary>
internal sealed class AmqpCommandService(AmqpConnection broker, GuestChatConversations everyone, IChatDefaults target, AmqpMetrics metrics, ILogger<AmqpCommandService> log) : BackgroundService
{
    /// <summary>The header with the ErrorBody of a dead-lettered command.</summary>
    public const string ErrorHeader = "x-guestchat-error";

    /// <summary>The header with the error code alone, to bind or filter on.</summary>
    public const string ErrorCodeHeader = "x-guestchat-error-code";

    private static readonly TimeSpan RequeueDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a command waits for its chat's answer before it is asked again: above what a send takes
    /// under Genesys's back-off (seconds), below the time a cluster needs to move a dead node's chats (about 25 s) twice.
    /// </summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Times a command is asked in place when it gets no answer, before it goes back to the queue.</summary>
    private const int UnansweredAttempts = 4;

    private readonly GuestChatConversations _conversations = everyone.WithAskTimeout(Patience);
    private readonly Dictionary<ConversationKey, Task> _lastByChat = [];
    private readonly SemaphoreSlim _channelLock = new(1, 1);
    private IChannel _consuming = null!;
    private IChannel _deadLetters = null!;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A broker that fails a declaration or the consume (a transient internal error, a queue declared
        // elsewhere with other arguments) is tried again with back-off: the service keeps running without
        // the queue surface meanwhile, rather than stopping.
        var delay = RetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StartConsumingAsync(stoppingToken);
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning("Could not start taking commands from {Queue} ({Reason}); trying again in {Delay}", broker.Options.CommandQueue, e.GetBaseException().Message, delay);
                await CloseChannelsAsync();
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }

        await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task StartConsumingAsync(CancellationToken stoppingToken)
    {
        var options = broker.Options;
        var connection = await broker.OpenAsync(stoppingToken);
        _deadLetters = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), stoppingToken);
        await AmqpTopology.DeclareAsync(_deadLetters, options, stoppingToken);
        _consuming = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        await _consuming.BasicQosAsync(prefetchSize: 0, prefetchCount: options.Prefetch, global: false, stoppingToken);
        var consumer = new AsyncEventingBasicConsumer(_consuming);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            Take(delivery, stoppingToken);
            return Task.CompletedTask;
        };
        await _consuming.BasicConsumeAsync(options.CommandQueue, autoAck: false, consumer, stoppingToken);
        log.LogInformation("Taking commands from {Queue} (prefetch {Prefetch})", options.CommandQueue, options.Prefetch);
    }

    private async Task CloseChannelsAsync()
    {
        foreach (var channel in new[] { _consuming, _deadLetters })
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }
        }

        _consuming = null!;
        _deadLetters = null!;
    }

    /// <summary>Reads a delivery and starts carrying it out; its body is only valid during the handler, so what is needed is copied.</summary>
    private void Take(BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        metrics.Consumed();
        var taken = new Taken(delivery.DeliveryTag, delivery.Redelivered, delivery.BasicProperties, delivery.Body.ToArray());
        var (command, problem) = QueueCommand.Read(taken.Properties, taken.Body);
        if (problem is not null)
        {
            _ = DeadLetterAsync(taken, problem, stoppingToken);
            return;
        }

        // Chained here, in delivery order: each of a chat's commands starts when the one before it is over.
        lock (_lastByChat)
        {
            var before = _lastByChat.GetValueOrDefault(command!.Key) ?? Task.CompletedTask;
            var carried = before.ContinueWith(_ => CarryOutAsync(command, taken, stoppingToken), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            _lastByChat[command.Key] = carried;
            carried.ContinueWith(_ =>
            {
                lock (_lastByChat)
                {
                    if (_lastByChat.TryGetValue(command.Key, out var last) && last == carried)
                    {
                        _lastByChat.Remove(command.Key);
                    }
                }
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private async Task CarryOutAsync(QueueCommand command, Taken taken, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CarryOutOnceAsync(command, taken, attempt, stoppingToken);
                return;
            }
            catch (ConversationRejectedException e) when (e.Rejection.Kind == RejectionKind.Unanswered && attempt < UnansweredAttempts)
            {
                log.LogInformation("Command {Type} for {ConversationKey} got no answer within {Patience}; asking again", taken.Properties.Type, command.Key, Patience);
            }
        }
    }

    /// <summary>One attempt; an unanswered one before the last is thrown back to <see cref="CarryOutAsync"/> to ask again.</summary>
    private async Task CarryOutOnceAsync(QueueCommand command, Taken taken, int attempt, CancellationToken stoppingToken)
    {
        try
        {
            await (command switch
            {
                QueueCommand.Start start => (Task)_conversations.StartAsync(start.Key, start.Create.ToRequest(target.ChatDefaults), stoppingToken),
                QueueCommand.Send send => _conversations.SendMessageAsync(send.Key, send.Message.Body ?? "", send.Message.BodyType ?? BodyType.Standard, send.MessageId, stoppingToken),
                QueueCommand.Typing typing => _conversations.SendTypingAsync(typing.Key, stoppingToken),
                QueueCommand.MediaAnswer answer => _conversations.AnswerMediaRequestAsync(answer.Key, answer.MediaRequestId, answer.Decision, stoppingToken),
                QueueCommand.End end => _conversations.EndAsync(end.Key, stoppingToken),
                _ => throw new InvalidOperationException($"No handling for {command.GetType().Name}"),
            });
            await AckAsync(taken);
        }
        catch (ConversationRejectedException e) when (IsDone(command, taken.Redelivered || attempt > 1, e.Rejection.Kind))
        {
            await AckAsync(taken);
        }
        catch (ConversationRejectedException e) when (e.Rejection.Kind == RejectionKind.Unanswered && attempt < UnansweredAttempts)
        {
            throw;
        }
        catch (ConversationRejectedException e) when (ApiError.Of(e) is { Status: 429 or 502 or 504 } passing)
        {
            log.LogInformation("Command {Type} for {ConversationKey} will be tried again: {Code}", taken.Properties.Type, command.Key, passing.Code);
            await RequeueAsync(taken, stoppingToken);
        }
        catch (ConversationRejectedException e)
        {
            await DeadLetterAsync(taken, ApiError.Of(e), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Not acknowledged: the broker gives it to the next consumer, or to this service when it is back.
        }
        catch (Exception e)
        {
            // Anything else is this command's trouble alone: back to the queue, and dead-lettered by the broker if it keeps failing.
            log.LogWarning("Command {Type} for {ConversationKey} failed ({Reason}); it will be tried again", taken.Properties.Type, command.Key, e.GetBaseException().Message);
            await RequeueAsync(taken, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// A command found carried out already: a start whose chat exists, or a media answer already given, when
    /// the command comes again (redelivered, or asked again after no answer); an end of a chat that has ended.
    /// </summary>
    private static bool IsDone(QueueCommand command, bool again, RejectionKind kind) => (command, kind) switch
    {
        (QueueCommand.Start, RejectionKind.AlreadyExists) => again,
        (QueueCommand.MediaAnswer, RejectionKind.Conflict) => again,
        (QueueCommand.End, RejectionKind.Ended) => true,
        _ => false,
    };

    private async Task AckAsync(Taken taken)
    {
        await WithChannelAsync(() => _consuming.BasicAckAsync(taken.Tag, multiple: false).AsTask());
        metrics.Acked();
    }

    private async Task RequeueAsync(Taken taken, CancellationToken stoppingToken)
    {
        await Task.Delay(RequeueDelay, stoppingToken);
        await WithChannelAsync(() => _consuming.BasicNackAsync(taken.Tag, multiple: false, requeue: true).AsTask());
        metrics.Requeued();
    }

    /// <summary>Publishes the command, unchanged, to the dead-letter exchange with the reason in its headers; once the broker confirmed it, acknowledges the original.</summary>
    private async Task DeadLetterAsync(Taken taken, ApiError error, CancellationToken stoppingToken)
    {
        var properties = new BasicProperties(taken.Properties)
        {
            Headers = new Dictionary<string, object?>(taken.Properties.Headers ?? new Dictionary<string, object?>())
            {
                [ErrorHeader] = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(error.Body(contextId: taken.Properties.MessageId), ApiJson.Options)),
                [ErrorCodeHeader] = Encoding.UTF8.GetBytes(error.Code),
            },
            Persistent = true,
        };
        try
        {
            await _deadLetters.BasicPublishAsync(broker.Options.DeadLetterExchange, routingKey: taken.Properties.Type ?? "", mandatory: false, properties, taken.Body, stoppingToken);
            log.LogInformation("Dead-lettered a {Type} command: {Code} {Field}", taken.Properties.Type ?? "(no type)", error.Code, error.Field);
            metrics.DeadLettered(error.Code);
            await AckAsync(taken);
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.PublishException or RabbitMQ.Client.Exceptions.AlreadyClosedException)
        {
            // Not confirmed: the command stays unacknowledged and comes back.
            log.LogWarning("Could not dead-letter a {Type} command ({Reason}); it will be delivered again", taken.Properties.Type, e.Message);
        }
    }

    private async Task WithChannelAsync(Func<Task> call)
    {
        await _channelLock.WaitAsync();
        try
        {
            await call();
        }
        catch (RabbitMQ.Client.Exceptions.AlreadyClosedException e)
        {
            // The channel went with the connection: the broker delivers the command again after the reconnect.
            log.LogInformation("Could not settle a command on a closed channel ({Reason}); it will be delivered again", e.Message);
        }
        finally
        {
            _channelLock.Release();
        }
    }

    private sealed record Taken(ulong Tag, bool Redelivered, IReadOnlyBasicProperties Properties, byte[] Body);
}
