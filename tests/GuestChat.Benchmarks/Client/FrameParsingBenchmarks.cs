using System.Text;
using BenchmarkDotNet.Attributes;
using GuestChat.Client.Events;

namespace GuestChat.Benchmarks.Client;

/// <summary>What one event-stream frame costs to parse, in time and allocations, per frame kind.</summary>
[MemoryDiagnoser]
public class FrameParsingBenchmarks
{
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("""
        {"topicName":"v2.conversations.chats.aa06a6fc-1fdf-4e59-b8a1-df3ca44f523e.messages","version":"2","eventBody":{"id":"485fc952-3021-4dab-bb04-e3ad84d8b62a","conversation":{"id":"aa06a6fc-1fdf-4e59-b8a1-df3ca44f523e"},"sender":{"id":"6408f799-973a-436a-9e1a-a75a6ddc46f5"},"body":"Hi, how are you?","bodyType":"standard","timestamp":"2019-06-18T16:59:22.277Z"},"metadata":{"CorrelationId":"ca138a93-3198-43b4-8ef4-bced8d38b3b9","type":"message"}}
        """);

    private static readonly byte[] MemberChange = Encoding.UTF8.GetBytes("""
        {"topicName":"v2.conversations.chats.aa06a6fc-1fdf-4e59-b8a1-df3ca44f523e.members","version":"2","eventBody":{"conversation":{"id":"aa06a6fc-1fdf-4e59-b8a1-df3ca44f523e"},"member":{"id":"f3b14049-4631-4b29-b45d-1b2822410cbe","state":"CONNECTED"},"timestamp":"2019-06-18T16:59:09.689Z"},"metadata":{"CorrelationId":"bbd1fbef-cfbd-4a31-8008-51eba78dee76","type":"member-change"}}
        """);

    private static readonly byte[] Typing = Encoding.UTF8.GetBytes("""
        {"topicName":"v2.conversations.chats.aa06a6fc-1fdf-4e59-b8a1-df3ca44f523e.messages","version":"2","eventBody":{"id":"5f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190","conversation":{"id":"aa06a6fc-1fdf-4e59-b8a1-df3ca44f523e"},"sender":{"id":"6408f799-973a-436a-9e1a-a75a6ddc46f5"},"timestamp":"2019-06-18T16:59:20.001Z"},"metadata":{"CorrelationId":"0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d","type":"typing-indicator"}}
        """);

    private static readonly byte[] Heartbeat = Encoding.UTF8.GetBytes("""{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}""");

    private static readonly byte[] Garbage = Encoding.UTF8.GetBytes("""{"topicName":"v2.conversations.chats.x.messages","eventBody":{"id":"1","body":""");

    private static readonly string MessageText = Encoding.UTF8.GetString(Message);

    [Benchmark(Baseline = true)]
    public StreamEvent MessageFrame() => EventStreamParser.Parse(Message);

    [Benchmark]
    public StreamEvent MessageFrameAsText() => EventStreamParser.Parse(MessageText);

    [Benchmark]
    public StreamEvent MemberChangeFrame() => EventStreamParser.Parse(MemberChange);

    [Benchmark]
    public StreamEvent TypingFrame() => EventStreamParser.Parse(Typing);

    [Benchmark]
    public StreamEvent HeartbeatFrame() => EventStreamParser.Parse(Heartbeat);

    [Benchmark]
    public StreamEvent TruncatedFrame() => EventStreamParser.Parse(Garbage);
}
