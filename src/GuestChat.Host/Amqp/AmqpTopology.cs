using RabbitMQ.Client;

namespace GuestChat.Host.Amqp;

/// <summary>
/// What the service declares on the broker at start (and again after a reconnect): the quorum command
/// queue, dead-lettering into an exchange and queue of their own after <see cref="AmqpOptions.DeliveryLimit"/>
/// deliveries, one consumer at a time (the others, on other nodes of a cluster, wait to take over: one
/// consumer keeps each chat's commands in the order queued), and the topic exchange for events. Declaring is idempotent; a queue that exists with other
/// arguments is an error the service stops on, naming it.
/// </summary>
internal static class AmqpTopology
{
    public static async Task DeclareAsync(IChannel channel, AmqpOptions options, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(options.DeadLetterExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(options.DeadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(options.DeadLetterQueue, options.DeadLetterExchange, routingKey: "", cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(options.CommandQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-dead-letter-exchange"] = options.DeadLetterExchange,
                ["x-delivery-limit"] = options.DeliveryLimit,
                ["x-single-active-consumer"] = true,
            },
            cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(options.EventExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Whether a service has declared its topology on this broker yet (its event exchange, declared last, exists):
    /// for a client that must not publish before the service is ready. Asks on a channel of its own, which
    /// the broker closes when the answer is no.
    /// </summary>
    public static async Task<bool> DeclaredAsync(IConnection connection, AmqpOptions options, CancellationToken cancellationToken = default)
    {
        await using var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            await probe.ExchangeDeclarePassiveAsync(options.EventExchange, cancellationToken);
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return false;
        }
    }
}
