using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace GuestChat.Host.Amqp;

/// <summary>
/// The service's one connection to the broker: opened on first use and tried again with back-off (1 s
/// doubling to 30 s) while the broker cannot be reached, then kept by the client's automatic recovery
/// (connection, channels, declarations and consumers) across broker restarts and network drops.
/// The chats never wait for it. Its state is in <see cref="AmqpMetrics"/> and <c>/healthz</c>.
/// </summary>
internal sealed class AmqpConnection(IOptions<AmqpOptions> options, AmqpMetrics metrics, ILogger<AmqpConnection> log) : IAsyncDisposable
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private IConnection? _connection;

    /// <summary>The options in force.</summary>
    public AmqpOptions Options => options.Value;

    /// <summary>The connection, once open; waits (retrying) until the broker answers or <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<IConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _opening.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { } open)
            {
                return open;
            }

            var factory = new ConnectionFactory
            {
                Uri = new Uri(Options.Uri!),
                ClientProvidedName = "guestchat",
                AutomaticRecoveryEnabled = true,
                TopologyRecoveryEnabled = true,
                NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
                RequestedHeartbeat = TimeSpan.FromSeconds(15),
            };
            var delay = TimeSpan.FromSeconds(1);
            while (true)
            {
                try
                {
                    var connection = await factory.CreateConnectionAsync(cancellationToken);
                    connection.ConnectionShutdownAsync += (_, e) => Lost(e);
                    connection.RecoverySucceededAsync += (_, _) => Recovered();
                    metrics.Connection(up: true);
                    log.LogInformation("Connected to the broker at {Broker}", Options.Where);
                    return _connection = connection;
                }
                catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or System.Net.Sockets.SocketException)
                {
                    log.LogWarning("The broker at {Broker} cannot be reached ({Reason}); trying again in {Delay}", Options.Where, e.GetBaseException().Message, delay);
                    await Task.Delay(delay, cancellationToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                }
            }
        }
        finally
        {
            _opening.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.CloseAsync();
            connection.Dispose();
        }
    }

    private Task Lost(ShutdownEventArgs e)
    {
        metrics.Connection(up: false);
        if (e.Initiator != ShutdownInitiator.Application)
        {
            log.LogWarning("Lost the broker at {Broker} ({Reason}); reconnecting", Options.Where, e.ReplyText);
        }

        return Task.CompletedTask;
    }

    private Task Recovered()
    {
        metrics.Connection(up: true);
        log.LogInformation("Reconnected to the broker at {Broker}", Options.Where);
        return Task.CompletedTask;
    }
}
