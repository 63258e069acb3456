using GuestChat.Actors.Hosting;

namespace GuestChat.Host.Metrics;

/// <summary>
/// Feeds every conversation event to <see cref="ServiceMetrics"/> while the service runs (in a cluster,
/// those of the chats on this node: each node counts its own, and Prometheus sums the nodes). Registered
/// after the actor system, and resolving what it needs only when started: the host makes every hosted
/// service before starting any, and the client must not exist before the embedded emulator does.
/// </summary>
internal sealed class MetricsSubscription(IServiceProvider services) : IHostedService
{
    private IDisposable? _subscription;

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _subscription = await services.GetRequiredService<GuestChatConversations>().SubscribeAsync(null, services.GetRequiredService<ServiceMetrics>().On, cancellationToken, hereOnly: true);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
