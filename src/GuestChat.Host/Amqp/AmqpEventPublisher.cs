using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using GuestChat.Actors.Cluster;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Actors.Persistence;
using GuestChat.Host.Api;
using RabbitMQ.Client;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Host.Amqp;

/// <summary>
/// Publishes the chats' events to the event exchange, routing key <c>chat.&lt;event&gt;</c> (the names and
/// JSON of the server-sent-events feed), the chat key in the <c>x-chat-key</c> header, persistent, each
/// confirmed by the broker.
/// <para>
/// Every event is published as the chats tell it, in the order told. What the journal holds (messages,
/// a chat's start, its end) is also followed in the journal, an outbox, from the last position confirmed
/// (a <see cref="JournalCursor"/>, itself in the journal): each such fact the live path has not published
/// within a few seconds (the broker was away, or the process that told it died) the outbox publishes
/// itself, and the position moves on only once every fact before it is confirmed. So a consumer may see
/// a repeat (the same <c>message_id</c>, <c>&lt;key&gt;/&lt;sequence&gt;</c>), never a gap, in messages, starts
/// and ends; the other events (state, members, typing, media requests, reconnects, JWT warnings) describe
/// the moment and are published at most once (<c>GET /chats</c> has the state now).
/// </para>
/// <para>
/// In a cluster each node publishes the events of the moment of the chats living on it, and the outbox
/// alone publishes what the journal holds, from every node's chats, on one node at a time (the oldest;
/// its cursor is a cluster singleton): when that node dies the next oldest goes on from the cursor, so
/// a consumer again sees repeats at most, never a gap.
/// </para>
/// </summary>
internal sealed class AmqpEventPublisher(AmqpConnection broker, ActorSystem system, MessageLog log, GuestChatConversations conversations, AmqpMetrics metrics,
    ClusterSettings cluster, ILogger<AmqpEventPublisher> logger) : BackgroundService
{
    /// <summary>The header with a told fact's position in the journal.</summary>
    public const string PositionHeader = "x-journal-position";

    private const int BatchSize = 200;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan OutboxPatience = TimeSpan.FromSeconds(5);
    private readonly PublishedFacts _published = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connection = await broker.OpenAsync(stoppingToken);
        var live = Channel.CreateBounded<IWithConversationKey>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = await conversations.SubscribeAsync(null, e =>
        {
            // In a cluster what the journal holds is the outbox's alone: no node could tell another's outbox it was confirmed.
            if (!(cluster.Enabled && IdOf(e) is not null))
            {
                live.Writer.TryWrite(e);
            }
        }, stoppingToken, hereOnly: true);
        await Task.WhenAll(
            log.Available ? PublishFromJournalAsync(connection, stoppingToken) : Task.CompletedTask,
            PublishLiveAsync(connection, live.Reader, stoppingToken));
    }

    /// <summary>The outbox: from the cursor, in batches, each confirmed before the cursor moves; started again from the cursor after any failure.</summary>
    private async Task PublishFromJournalAsync(IConnection connection, CancellationToken stoppingToken)
    {
        var cursor = Cursor();
        var events = new LoggedEvents(conversations);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!ClusterRole.IsOldest(system))
            {
                // Another node publishes the outbox; this one takes over when it is the oldest.
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }

            IChannel? channel = null;
            var facts = Channel.CreateBounded<LoggedFact>(BatchSize * 4);
            try
            {
                channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), stoppingToken);
                var position = await cursor.Ask<long>(JournalCursor.GetPosition.Instance, TimeSpan.FromSeconds(30), stoppingToken);
                var caughtUpAt = await log.NewestPositionAsync(stoppingToken);
                using var follow = log.Follow(position, fact => facts.Writer.WriteAsync(fact, stoppingToken).AsTask(), failure => facts.Writer.TryComplete(failure));
                var batch = new List<LoggedFact>(BatchSize);
                while (await facts.Reader.WaitToReadAsync(stoppingToken))
                {
                    if (!ClusterRole.IsOldest(system))
                    {
                        logger.LogInformation("This node is no longer the oldest of the cluster: the outbox goes on on the next");
                        break;
                    }

                    batch.Clear();
                    while (batch.Count < BatchSize && facts.Reader.TryRead(out var fact))
                    {
                        batch.Add(fact);
                    }

                    // What the live path published (in told order) is done; what it did not, this publishes, in journal order.
                    var started = Stopwatch.GetTimestamp();
                    var confirms = new List<Task>(batch.Count);
                    foreach (var fact in batch)
                    {
                        var fresh = fact.Position > caughtUpAt;
                        if (fresh && !cluster.Enabled && await _published.WaitAsync(IdOf(fact), OutboxPatience, stoppingToken))
                        {
                            continue;
                        }

                        var told = await events.EventOfAsync(fact, stoppingToken);
                        confirms.Add(PublishAsync(channel, told, fact, stoppingToken).AsTask());
                    }

                    await Task.WhenAll(confirms);
                    var elapsed = Stopwatch.GetElapsedTime(started);
                    confirms.ForEach(_ => metrics.Published(elapsed));

                    await cursor.Ask<Akka.Done>(new JournalCursor.Move(batch[^1].Position), TimeSpan.FromSeconds(30), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Publishing the chats' events stopped ({Reason}); going on from the last confirmed position in {Delay}", e.GetBaseException().Message, RetryDelay);
                await Task.Delay(RetryDelay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            finally
            {
                if (channel is not null)
                {
                    await channel.DisposeAsync();
                }
            }
        }
    }

    /// <summary>The outbox's place in the journal: an actor of this node, or in a cluster a singleton every node reaches (one writer of its facts).</summary>
    private IActorRef Cursor()
    {
        var name = "amqp-" + broker.Options.EventExchange;
        if (!cluster.Enabled)
        {
            return system.ActorOf(JournalCursor.Props(name), "amqp-outbox-cursor");
        }

        system.ActorOf(ClusterSingletonManager.Props(JournalCursor.Props(name), PoisonPill.Instance, ClusterSingletonManagerSettings.Create(system)), "amqp-outbox-cursor");
        return system.ActorOf(ClusterSingletonProxy.Props("/user/amqp-outbox-cursor", ClusterSingletonProxySettings.Create(system)), "amqp-outbox-cursor-proxy");
    }

    /// <summary>The events of the moment, each published once, as they come (dropped while the broker is away).</summary>
    private async Task PublishLiveAsync(IConnection connection, ChannelReader<IWithConversationKey> live, CancellationToken stoppingToken)
    {
        IChannel? channel = null;
        try
        {
            await foreach (var told in live.ReadAllAsync(stoppingToken))
            {
                try
                {
                    channel ??= await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), stoppingToken);
                    var started = Stopwatch.GetTimestamp();
                    if (await PublishAsync(channel, told, null, stoppingToken))
                    {
                        metrics.Published(Stopwatch.GetElapsedTime(started));
                        if (log.Available && IdOf(told) is { } id)
                        {
                            // Confirmed: the outbox need not publish it.
                            _published.Mark(id);
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogDebug("An event of the moment was not published: {Reason}", e.Message);
                    if (channel is not null)
                    {
                        await channel.DisposeAsync();
                        channel = null;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }
        }
    }

    /// <summary>The id of a told fact, the same from the journal and from the live event: <c>key/sequence</c>, <c>key/started</c>, <c>key/ended</c>.</summary>
    private static string IdOf(LoggedFact fact) => fact.Fact switch
    {
        ChatCreated => $"{fact.Key.Value}/started",
        ChatEnded => $"{fact.Key.Value}/ended",
        _ => $"{fact.Key.Value}/{fact.Sequence.ToString(CultureInfo.InvariantCulture)}",
    };

    /// <summary>The same for a live event; null for one the journal does not hold.</summary>
    private static string? IdOf(IWithConversationKey told) => told switch
    {
        MessageReceived m => $"{m.Key.Value}/{m.Sequence.ToString(CultureInfo.InvariantCulture)}",
        Started => $"{told.Key.Value}/started",
        Ended => $"{told.Key.Value}/ended",
        _ => null,
    };

    /// <summary>Publishes one event as the feed shows it; false for one the feed does not carry. Completes when the broker confirmed it.</summary>
    private async ValueTask<bool> PublishAsync(IChannel channel, IWithConversationKey told, LoggedFact? fact, CancellationToken cancellationToken)
    {
        if (EventViews.Of(told) is not { } view)
        {
            return false;
        }

        var (name, data) = view;
        var headers = new Dictionary<string, object?> { [QueueCommand.KeyHeader] = Encoding.UTF8.GetBytes(told.Key.Value) };
        if (fact is not null)
        {
            headers[PositionHeader] = fact.Position;
        }

        var properties = new BasicProperties
        {
            Type = name,
            MessageId = IdOf(told) ?? Guid.NewGuid().ToString("N"),
            ContentType = "application/json",
            Persistent = true,
            Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            Headers = headers,
        };
        await channel.BasicPublishAsync(broker.Options.EventExchange, "chat." + name, mandatory: false, properties, JsonSerializer.SerializeToUtf8Bytes(data, EventViews.Options), cancellationToken);
        return true;
    }
}
