using System.Collections.Concurrent;

namespace GuestChat.Benchmarks.EmulatorCapacity;

/// <summary>What the load generator shares across its chats while a run goes on.</summary>
internal sealed class CapacityRun(HttpClient http, int latencyCapacity)
{
    public long PostsOk;
    public long PostsFailed;
    public long FramesReceived;
    public long EchoesReceived;
    public long RepliesReceived;
    public long AgentsConnected;
    public long SocketsLost;
    public long SocketsClosedByServer;

    public HttpClient Http { get; } = http;

    public ConcurrentDictionary<string, long> SentAt { get; } = new(StringComparer.Ordinal);

    public LatencyRecorder PostLatency { get; } = new(latencyCapacity);

    public LatencyRecorder EchoLatency { get; } = new(latencyCapacity);

    public LatencyRecorder ReplyLatency { get; } = new(latencyCapacity);

    public volatile bool Stopping;
}
