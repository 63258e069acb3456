using Akka.Hosting;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.EventStreams;
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
        string systemName = "guestchat", Action<AkkaConfigurationBuilder>? configureAkka = null)
    {
        services.AddSingleton<IGuestChatClient>(_ => new GuestChatClient(client));
        services.AddSingleton<GuestChatConversations>();
        return services.AddAkka(systemName, builder =>
        {
            configureAkka?.Invoke(builder);
            builder.WithGuestChat(settings ?? new ConversationSettings());
        });
    }

    /// <summary>Starts the <see cref="ConversationManager"/> under <see cref="ManagerName"/> and registers it; needs an <see cref="IGuestChatClient"/> in the services.</summary>
    public static AkkaConfigurationBuilder WithGuestChat(this AkkaConfigurationBuilder builder, ConversationSettings settings, IEventStreamFactory? streams = null) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var api = resolver.GetService<IGuestChatClient>();
            var manager = system.ActorOf(ConversationManager.Props(api, settings, streams ?? new EventStreamFactory()), ManagerName);
            registry.Register<ConversationManager>(manager);
        });
}
