using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using GuestChat.Actors.Cluster;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.EventStreams;
using GuestChat.Actors.Persistence;
using GuestChat.Actors.Transports;
using GuestChat.Client;
using GuestChat.Client.WebMessaging;
using Microsoft.Extensions.DependencyInjection;

namespace GuestChat.Actors.Hosting;

/// <summary>Wires the guest chat actors into a host: <c>services.AddGuestChat(client, settings)</c>, or <c>WithGuestChat</c> on an existing Akka builder.</summary>
public static class GuestChatHosting
{
    /// <summary>The name of the manager actor: <c>/user/conversations</c>.</summary>
    public const string ManagerName = "conversations";

    /// <summary>
    /// How often Akka's scheduler wakes: every 50 ms, not Akka's 10 ms. Each wake costs a timer thread and a pool
    /// thread about 0.3 ms of CPU here, so 10 ms ticks alone kept an idle service at 3 % of a core (1.1 CPU-s
    /// per 30 s holding 200 quiet chats; 0.4 at 50 ms). The conversations' timers are 0.5 s and longer (reconnect
    /// back-off, typing window, heartbeat watchdog, retention), so 50 ms of slack is well inside their purpose.
    /// Appended, so an application's own <c>akka.scheduler.tick-duration</c> wins.
    /// </summary>
    public const string SchedulerTuning = "akka.scheduler.tick-duration = 50ms";

    /// <summary>Registers one <see cref="GuestChatClient"/> (one connection pool and rate limiter for the host), an actor system with the manager, and the <see cref="GuestChatConversations"/> facade.</summary>
    public static IServiceCollection AddGuestChat(this IServiceCollection services, GuestChatClientOptions client, ConversationSettings? settings = null,
        string systemName = ClusterSettings.SystemName, Action<AkkaConfigurationBuilder>? configureAkka = null, JournalSettings? journal = null, ClusterSettings? cluster = null) =>
        services.AddGuestChat(_ => client, _ => settings ?? new ConversationSettings(), systemName, (builder, _) => configureAkka?.Invoke(builder), journal is null ? null : _ => journal, cluster);

    /// <summary>
    /// The same, with the client options and settings made from the services when the actor system starts
    /// (after options validation, and after hosted services registered earlier, such as an embedded emulator, have started).
    /// </summary>
    public static IServiceCollection AddGuestChat(this IServiceCollection services, Func<IServiceProvider, GuestChatClientOptions> client,
        Func<IServiceProvider, ConversationSettings> settings, string systemName = ClusterSettings.SystemName, Action<AkkaConfigurationBuilder, IServiceProvider>? configureAkka = null,
        Func<IServiceProvider, JournalSettings>? journal = null, ClusterSettings? cluster = null)
    {
        services.AddSingleton(provider => new GuestChatClient(client(provider)));
        services.AddSingleton<IGuestChatClient>(provider =>
        {
            // Web Messaging is given to conversations behind the same requests-and-socket pair as guest chat.
            var options = client(provider);
            return options.Api == GuestApi.WebMessaging
                ? new WebMessagingTransport(WebMessagingEndpoints.From(options.Environment), provider.GetRequiredService<GuestChatClient>().Http, options.Origin, provider.GetRequiredService<GuestChatClient>().Counters, options.Retry)
                : provider.GetRequiredService<GuestChatClient>();
        });
        services.AddSingleton<GuestChatConversations>();
        services.AddSingleton(cluster ?? new ClusterSettings());
        services.AddSingleton(provider => new MessageLog(provider.GetRequiredService<Akka.Actor.ActorSystem>(), journal?.Invoke(provider) ?? new JournalSettings()));
        return services.AddAkka(systemName, (builder, provider) =>
        {
            configureAkka?.Invoke(builder, provider);
            builder.WithGuestChat(settings(provider), journal: journal?.Invoke(provider), cluster: cluster);
        });
    }

    /// <summary>
    /// Starts the conversations and registers who takes their messages: on a single node the
    /// <see cref="ConversationManager"/> under <see cref="ManagerName"/> (both as the manager, which routes a
    /// conversation's messages, and as the <see cref="ConversationDirectory"/>, which answers for all); in a
    /// cluster (<paramref name="cluster"/> enabled) the shard region <see cref="ClusterHosting.RegionName"/>
    /// as the manager (the same messages) and this node's <see cref="ConversationDirectory"/>. Needs an
    /// <see cref="IGuestChatClient"/> in the services. <paramref name="journal"/> says where conversations
    /// journal their facts (in memory when not given: nothing survives the process; a cluster needs one
    /// database all nodes share).
    /// </summary>
    public static AkkaConfigurationBuilder WithGuestChat(this AkkaConfigurationBuilder builder, ConversationSettings settings, IEventStreamFactory? streams = null,
        JournalSettings? journal = null, ClusterSettings? cluster = null)
    {
        journal ??= new JournalSettings();
        var conversationJournal = ConversationJournal.For(journal);
        builder.AddHocon(SchedulerTuning, HoconAddMode.Append);
        builder.WithConversationPersistence(journal);
        if (cluster is not { Enabled: true })
        {
            return builder.WithActors((system, registry, resolver) =>
            {
                var api = resolver.GetService<IGuestChatClient>();
                var manager = system.ActorOf(ConversationManager.Props(api, settings, streams ?? SocketsOf(api), conversationJournal), ManagerName);
                registry.Register<ConversationManager>(manager);
                registry.Register<ConversationDirectory>(manager);
            });
        }

        return builder
            .WithConversationCluster(cluster)
            .WithActors((system, registry, _) => registry.Register<ConversationDirectory>(system.ActorOf(Props.Create(() => new ConversationDirectory()), ConversationDirectory.Name)))
            .WithShardRegion<ConversationManager>(ClusterHosting.RegionName, (_, registry, resolver) =>
            {
                var api = resolver.GetService<IGuestChatClient>();
                var place = new ConversationPlace(registry.Get<ConversationDirectory>(), new ConversationCapacity(settings.MaxConversations), Sharded: true);
                var sockets = streams ?? SocketsOf(api);
                return key => ConversationActor.Props(new ConversationKey(key), api, settings, sockets, conversationJournal, place);
            }, new ConversationMessageExtractor(cluster.Shards), ClusterHosting.ShardOptions());
    }

    /// <summary>The sockets that go with the requests: a transport that makes its own (Web Messaging), else guest chat's event streams.</summary>
    private static IEventStreamFactory SocketsOf(IGuestChatClient api) => api as IEventStreamFactory ?? new EventStreamFactory();
}
