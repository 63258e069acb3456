using RabbitMQ.Client;

namespace GuestChat.Host.Amqp;

/// <summary>
/// What the service declares on the broker at start (and again after a reconnect): the quorum command
/// queue, dead-lettering into an exchange and queue of their own after <see cref="AmqpOptions.DeliveryLimit"/>
/// deliveries, and the topic exchange for events. Declaring is idempotent; a queue that exists with other
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
            },
            cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(options.EventExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
    }
}
