using System.Diagnostics;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Client;
using GuestChat.Client.Http;
using Prometheus;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Host.Metrics;

/// <summary>
/// The service's metrics in Prometheus format, in a registry of its own (one per service, so that two
/// services in one process never mix counts): chats by state (read from the manager at each scrape),
/// chats started and ended, reconnects, messages in and out, agent-join wait, and the client's
/// requests, 429s, 5xx and unanswered calls. No label ever holds a key, an id or a JWT.
/// </summary>
internal sealed class ServiceMetrics
{
    private readonly Dictionary<ConversationKey, long> _waitingSince = [];
    private readonly Gauge _chats;
    private readonly Counter _started;
    private readonly Counter _ended;
    private readonly Counter _reconnects;
    private readonly Counter _messagesIn;
    private readonly Counter _messagesOut;
    private readonly Histogram _agentJoinWait;
    private readonly Gauge _eventStreams;

    public ServiceMetrics(CollectorRegistry registry, GuestChatConversations conversations, GuestChatClient client, GuestChat.Actors.Persistence.JournalSettings journal)
    {
        Registry = registry;
        var metrics = Prometheus.Metrics.WithCustomRegistry(Registry);
        _chats = metrics.CreateGauge("guestchat_chats", "Chats this node holds, by state (ended ones until their retention is over; in a cluster, sum the nodes).", "state");
        _started = metrics.CreateCounter("guestchat_chats_started_total", "Chats created at Genesys.");
        _ended = metrics.CreateCounter("guestchat_chats_ended_total", "Chats ended, by reason.", "reason");
        _reconnects = metrics.CreateCounter("guestchat_reconnects_total", "Event-stream reconnect attempts.");
        _messagesIn = metrics.CreateCounter("guestchat_messages_received_total", "Messages from agents, flows and the system, delivered once.");
        _messagesOut = metrics.CreateCounter("guestchat_messages_sent_total", "Guest messages accepted by Genesys.");
        _agentJoinWait = metrics.CreateHistogram("guestchat_agent_join_wait_seconds", "From a chat's creation to its first connected agent.",
            new HistogramConfiguration { Buckets = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600] });
        _eventStreams = metrics.CreateGauge("guestchat_event_stream_clients", "Open server-sent-events streams.");
        var attempts = metrics.CreateCounter("guestchat_client_requests_total", "Requests to Genesys, retries included: guest chat HTTP calls, or Web Messaging requests on the chats' sockets and history reads.");
        var throttled = metrics.CreateCounter("guestchat_client_throttled_total", "Answers that were 429 Too Many Requests (on Web Messaging, 4029).");
        var serverErrors = metrics.CreateCounter("guestchat_client_server_errors_total", "Answers that were 5xx.");
        var noAnswer = metrics.CreateCounter("guestchat_client_no_answer_total", "Attempts that timed out or whose connection failed.");
        var shed = metrics.CreateCounter("guestchat_client_shed_total", "Typing indicators dropped after waiting too long for the request budget.");
        var rate = metrics.CreateGauge("guestchat_client_rate_limit", "The request rate the client allows itself now (requests/s); lower than configured while a budget holds it down.");
        var background = metrics.CreateGauge("guestchat_client_background_throttle_share", "The share of 429s the client takes as background (not caused by its own rate), 0..1.");
        var waiting = metrics.CreateGauge("guestchat_client_waiting", "Calls waiting for the request budget, by lane.", "lane");
        var journalBytes = metrics.CreateGauge("guestchat_journal_bytes", "The conversations' journal on disk, in bytes (divide by guestchat_chats for the size per chat).");
        var gcPause = metrics.CreateCounter("dotnet_gc_pause_seconds_total", "Time the .NET garbage collector has held this process's threads (a latency spike in every stream when it grows by more than a few milliseconds at once).");
        DotNetStats.Register(Registry);

        Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            gcPause.IncTo(GC.GetTotalPauseDuration().TotalSeconds);
            attempts.IncTo(client.Counters.Attempts);
            throttled.IncTo(client.Counters.Throttled);
            serverErrors.IncTo(client.Counters.ServerErrors);
            noAnswer.IncTo(client.Counters.NoAnswer);
            shed.IncTo(client.Counters.Shed);
            rate.Set(client.RateLimiter.CurrentRate);
            background.Set(client.RateLimiter.BackgroundThrottleShare);
            foreach (var lane in Enum.GetValues<RequestPriority>())
            {
                waiting.WithLabels(lane.ToString().ToLowerInvariant()).Set(client.RateLimiter.Waiting(lane));
            }

            if (await GuestChat.Actors.Persistence.JournalDatabase.BytesAsync(journal, cancellationToken) is { } bytes)
            {
                journalBytes.Set(bytes);
            }

            // This node's chats: in a cluster every node reports its own, and Prometheus sums them.
            var list = await conversations.ListHereAsync(cancellationToken);
            var counts = list.Conversations.GroupBy(c => c.State).ToDictionary(g => g.Key, g => g.Count());
            foreach (var state in Enum.GetValues<ConversationState>())
            {
                _chats.WithLabels(state.ToString()).Set(counts.GetValueOrDefault(state));
            }
        });
    }

    /// <summary>The registry <c>/metrics</c> serves.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>A guest message was accepted.</summary>
    public void MessageSent() => _messagesOut.Inc();

    /// <summary>An SSE stream opened (+1) or closed (-1).</summary>
    public void EventStream(int change) => _eventStreams.Inc(change);

    /// <summary>Every conversation event, one at a time (from the subscription).</summary>
    public void On(IWithConversationKey message)
    {
        switch (message)
        {
            case Started started:
                _started.Inc();
                _waitingSince[started.Key] = Stopwatch.GetTimestamp();
                break;
            case StateChanged { State: ConversationState.Active } active when _waitingSince.Remove(active.Key, out var since):
                _agentJoinWait.Observe(Stopwatch.GetElapsedTime(since).TotalSeconds);
                break;
            case Reconnecting:
                _reconnects.Inc();
                break;
            case MessageReceived:
                _messagesIn.Inc();
                break;
            case Ended ended:
                _ended.WithLabels(ended.Reason.ToString()).Inc();
                _waitingSince.Remove(ended.Key);
                break;
        }
    }
}
