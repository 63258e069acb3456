using Prometheus;

namespace GuestChat.Host.Amqp;

/// <summary>The message-queue surface's counters, in the service's registry: commands in and their outcome, events out, the connection.</summary>
internal sealed class AmqpMetrics
{
    private readonly Counter _consumed;
    private readonly Counter _acked;
    private readonly Counter _deadLettered;
    private readonly Counter _requeued;
    private readonly Counter _published;
    private readonly Histogram _confirm;
    private readonly Gauge _connected;

    public AmqpMetrics(CollectorRegistry registry)
    {
        var metrics = Prometheus.Metrics.WithCustomRegistry(registry);
        _consumed = metrics.CreateCounter("guestchat_amqp_commands_consumed_total", "Commands taken from the command queue.");
        _acked = metrics.CreateCounter("guestchat_amqp_commands_acked_total", "Commands carried out (or found carried out already) and acknowledged.");
        _deadLettered = metrics.CreateCounter("guestchat_amqp_commands_dead_lettered_total", "Commands dead-lettered, by error code.", "code");
        _requeued = metrics.CreateCounter("guestchat_amqp_commands_requeued_total", "Commands given back to the queue after a failure that may pass (the broker dead-letters one that keeps failing).");
        _published = metrics.CreateCounter("guestchat_amqp_events_published_total", "Events published and confirmed by the broker.");
        _confirm = metrics.CreateHistogram("guestchat_amqp_confirm_seconds", "From publishing an event to the broker's confirm.",
            new HistogramConfiguration { Buckets = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1] });
        _connected = metrics.CreateGauge("guestchat_amqp_connected", "1 while the service is connected to the broker.");
    }

    /// <summary>Whether the service is connected to the broker now.</summary>
    public bool Connected => _connected.Value > 0;

    public void Consumed() => _consumed.Inc();

    public void Acked() => _acked.Inc();

    public void DeadLettered(string code) => _deadLettered.WithLabels(code).Inc();

    public void Requeued() => _requeued.Inc();

    public void Published(TimeSpan confirmedAfter)
    {
        _published.Inc();
        _confirm.Observe(confirmedAfter.TotalSeconds);
    }

    public void Connection(bool up) => _connected.Set(up ? 1 : 0);
}
