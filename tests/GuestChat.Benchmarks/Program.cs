using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using GuestChat.Benchmarks.Actors;
using GuestChat.Benchmarks.Amqp;
using GuestChat.Benchmarks.Client;
using GuestChat.Benchmarks.Cluster;
using GuestChat.Benchmarks.EmulatorCapacity;
using GuestChat.Benchmarks.Peer;
using GuestChat.Benchmarks.Persistence;
using GuestChat.Benchmarks.Serve;

const string usage = """
    GuestChat benchmarks. Each writes its results under bench-results/.

    dotnet run -c Release --project tests/GuestChat.Benchmarks -- emulator [options]   emulator capacity (see below)
    dotnet run -c Release --project tests/GuestChat.Benchmarks -- client [--filter *]  BenchmarkDotNet: frame parsing, request round trip
    dotnet run -c Release --project tests/GuestChat.Benchmarks -- actors [options]     memory per live conversation, delivery latency
    dotnet run -c Release --project tests/GuestChat.Benchmarks -- durable [options]    durable conversations: send latency, facts/s, journal size, recovery time
    dotnet run -c Release --project tests/GuestChat.Benchmarks -- queue [options]      the message queue: commands/s to Genesys-accepted, the latency it adds
    dotnet run -c Release --project tests/GuestChat.Benchmarks -- cluster [options]    three nodes: chats and cost per node, the latency a command routed through another node adds
    dotnet run -c Release --project tests/GuestChat.Benchmarks -- sse [options]        the service: an agent's message from the emulator to a reader of GET /events
    dotnet run -c Release --project tests/GuestChat.Benchmarks -- peer [options]       the service against the official Node client, side by side: CPU per message, memory per chat
    """;

if (args.Length == 0 || args[0] is "--help" or "-h")
{
    Console.WriteLine(usage);
    Console.WriteLine(CapacityOptions.Usage);
    Console.WriteLine(ConversationBenchmark.Usage);
    Console.WriteLine(DurableBenchmark.Usage);
    Console.WriteLine(QueueBenchmark.Usage);
    Console.WriteLine(ClusterBenchmark.Usage);
    Console.WriteLine(PeerBenchmark.Usage);
    Console.WriteLine(SseBenchmark.Usage);
    return 0;
}

try
{
    switch (args[0])
    {
        case "emulator":
            return await CapacityBenchmark.RunAsync(CapacityOptions.Parse(args[1..]));
        case "actors":
            return await ConversationBenchmark.RunAsync(args[1..]);
        case "queue":
            return await QueueBenchmark.RunAsync(args[1..]);
        case "cluster":
            return await ClusterBenchmark.RunAsync(args[1..]);
        case "sse":
            return await SseBenchmark.RunAsync(args[1..]);
        case "peer":
            return await PeerBenchmark.RunAsync(args[1..]);
        case "durable":
            return await DurableBenchmark.RunAsync(args[1..]);
        case "client":
            var config = DefaultConfig.Instance.WithArtifactsPath(Path.GetFullPath(Path.Combine("bench-results", "client")));
            var rest = args[1..];
            BenchmarkSwitcher.FromTypes([typeof(FrameParsingBenchmarks), typeof(RoundTripBenchmarks)])
                .Run(rest.Length == 0 ? ["--filter", "*"] : rest, config);
            return 0;
        default:
            throw new ArgumentException($"Unknown benchmark {args[0]}");
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(usage);
    return 2;
}
