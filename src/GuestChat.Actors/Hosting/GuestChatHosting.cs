using Akka.Hosting;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.EventStreams;
using GuestChat.Actors.Persistence;
using GuestChat.Client;
using Microsoft.Extensions.DependencyInjection;

namespace GuestChat.Actors.Hosting;

/// <summary>Wires the guest chat actors into a host: <c>services.AddGuestChat(client, settings)</c>, or <c>WithGuestChat</c> on an existing Akka builder.</summary>
public static class GuestChatHosting
{
    /// <summary>The name of the manager actor: <c>/user/conversations</c>.</summary>
    public const string ManagerName = "conversations";

    /// <summary>Registers one <see cref="GuestChatClient"/> (one connection pool and rate limiter for the host), an actor system with the manager, and the <see cref="GuestChatConversations"/> facade.</summary>
    public static IServiceCollection AddGuestChat(this IServiceCollection services, GuestChatClientOptions client, ConversationSettings? settings = null,
        string systemName = "guestchat", Action<AkkaConfigurationBuilder>? configureAkka = null, JournalSettings? journal = null) =>
        services.AddGuestChat(_ => client, _ => settings ?? new ConversationSettings(), systemName, (builder, _) => configureAkka?.Invoke(builder), journal is null ? null : _ => journal);

    /// <summary>
    /// The same, with the client options and settings made from the services when the actor system starts
    /// (after options validation, and after hosted services registered earlier, such as an embedded emulator, have started).
    /// </summary>
    public static IServiceCollection AddGuestChat(this IServiceCollection services, Func<IServiceProvider, GuestChatClientOptions> client,
        Func<IServiceProvider, ConversationSettings> settings, string systemName = "guestchat", Action<AkkaConfigurationBuilder, IServiceProvider>? configureAkka = null,
        Func<IServiceProvider, JournalSettings>? journal = null)
    {
        services.AddSingleton(provider => new GuestChatClient(client(provider)));
        services.AddSingleton<IGuestChatClient>(provider => provider.GetRequiredService<GuestChatClient>());
        services.AddSingleton<GuestChatConversations>();
        services.AddSingleton(provider => new MessageLog(provider.GetRequiredService<Akka.Actor.ActorSystem>(), journal?.Invoke(provider) ?? new JournalSettings()));
        return services.AddAkka(systemName, (builder, provider) =>
        {
            configureAkka?.Invoke(builder, provider);
            builder.WithGuestChat(settings(provider), journal: journal?.Invoke(provider));
        });
    }

    /// <summary>
    /// Starts the <see cref="ConversationManager"/> under <see cref="ManagerName"/> and registers it; needs an
    /// <see cref="IGuestChatClient"/> in the services. <paramref name="journal"/> says where conversations
    /// journal their facts (in memory when not given: nothing survives the process).
    /// </summary>
    public static AkkaConfigurationBuilder WithGuestChat(this AkkaConfigurationBuilder builder, ConversationSettings settings, IEventStreamFactory? streams = null, JournalSettings? journal = null)
    {
        journal ??= new JournalSettings();
        var conversationJournal = ConversationJournal.For(journal);
        return builder.WithConversationPersistence(journal).WithActors((system, registry, resolver) =>
        {
            var api = resolver.GetService<IGuestChatClient>();
            var manager = system.ActorOf(ConversationManager.Props(api, settings, streams ?? new EventStreamFactory(), conversationJournal), ManagerName);
            registry.Register<ConversationManager>(manager);
        });
    }
}
