using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;
using GuestChat.Host.Amqp;
using GuestChat.Host.Serve;
using GuestChat.Testing;
using RabbitMQ.Client;

namespace GuestChat.Benchmarks.Amqp;

/// <summary>
/// What the message-queue surface costs: the real service (ServiceHost, as <c>serve</c> builds it, on its
/// SQLite journal) with its queue surface on a throw-away RabbitMQ node, the emulator in its own process.
/// Opens chats through the queue, then (1) publishes a burst of sends and times them until Genesys has
/// accepted every one: commands per second; (2) sends one at a time through the queue and through HTTP,
/// timing each until Genesys has it: the latency the queue adds.
/// </summary>
internal static class QueueBenchmark
{
    public const string Usage = """
        queue [--chats 200] [--sends 10] [--samples 200] [--out bench-results/queue-200.json]

          Opens --chats chats through the command queue, publishes --sends messages to each as fast as the
          broker confirms them and reports commands per second until Genesys accepted all; then --samples
          single sends through the queue and as many through HTTP, timed until Genesys has each (the added
          latency of the queue). Needs RabbitMQ (scripts/rabbitmq.sh installs and starts it).
        """;

    private const string ApiKey = "queue-benchmark-key-0123456789";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchmarkArguments.Parse(args, new() { ["--chats"] = "200", ["--sends"] = "10", ["--samples"] = "200", ["--out"] = "" });
        var (chats, sends, samples) = (options.Number("--chats"), options.Number("--sends"), options.Number("--samples"));
        var output = options["--out"] is { Length: > 0 } path ? path : Path.Combine("bench-results", $"queue-{chats}.json");
        Console.WriteLine("Starting RabbitMQ and the emulator...");
        await using var broker = await ScriptedBroker.StartAsync();
        await using var emulator = await BenchmarkArguments.StartEmulatorAsync();
        using var data = new TempFolder("guestchat-queue-bench");
        var app = ServiceHost.Build(["--Urls=http://127.0.0.1:0", $"--Service:ApiKey={ApiKey}", "--Serilog:MinimumLevel:Default=Warning",
            $"--Target:Environment={emulator.BaseUrl}", $"--Target:OrganizationId={EmulatorDefaults.OrganizationId}", $"--Target:DeploymentId={EmulatorDefaults.DeploymentId}", $"--Target:Queue={BenchmarkArguments.QueueName}",
            "--Target:RequestsPerSecond=5000", $"--Persistence:ConnectionString={data.SqliteConnectionString()}", $"--Persistence:JwtKey={GuestChat.Actors.Persistence.SecretProtector.NewKey()}",
            $"--Amqp:Uri={broker.Uri}"]);
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
            using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
            using var connection = await new ConnectionFactory { Uri = broker.Uri }.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
            await BenchmarkArguments.WaitUntilAsync(() => AmqpTopology.DeclaredAsync(connection, new AmqpOptions()), TimeSpan.FromSeconds(60), "the service's topology");

            Console.WriteLine($"Opening {chats} chats through the queue...");
            var keys = Enumerable.Range(0, chats).Select(i => $"queue-bench-{i}").ToList();
            foreach (var key in keys)
            {
                await PublishAsync(channel, "chat.start", key, $"start-{key}", """{"memberInfo":{"displayName":"Queue Bench"}}""");
            }

            await BenchmarkArguments.WaitUntilAsync(async () => (await http.GetFromJsonAsync<JsonObject>("/chats?state=active"))!["chats"]!.AsArray().Count >= chats, TimeSpan.FromMinutes(5), "every chat active");

            Console.WriteLine($"Burst: {chats * sends} sends through the queue...");
            var before = await GuestMessagesAsync(control);
            var burst = Stopwatch.StartNew();
            var pending = new List<Task>();
            for (var n = 0; n < sends; n++)
            {
                foreach (var key in keys)
                {
                    pending.Add(PublishAsync(channel, "chat.send", key, $"{key}-{n}", $$"""{"body":"burst {{n}}"}"""));
                    if (pending.Count >= 500)
                    {
                        await Task.WhenAll(pending);
                        pending.Clear();
                    }
                }
            }

            await Task.WhenAll(pending);
            var published = burst.Elapsed;
            await BenchmarkArguments.WaitUntilAsync(async () => await GuestMessagesAsync(control) - before >= chats * sends, TimeSpan.FromMinutes(10), "every send accepted at Genesys");
            var accepted = burst.Elapsed;

            Console.WriteLine($"Latency: {samples} single sends through the queue, {samples} through HTTP...");
            var viaQueue = new List<double>();
            var viaHttp = new List<double>();
            for (var i = 0; i < samples; i++)
            {
                var key = keys[i % keys.Count];
                viaQueue.Add(await TimeUntilAcceptedAsync(control, () => PublishAsync(channel, "chat.send", key, $"q-sample-{i}", """{"body":"queue sample"}""")));
                viaHttp.Add(await TimeUntilAcceptedAsync(control, async () =>
                    (await http.PostAsync($"/chats/{key}/messages", new StringContent($$"""{"body":"http sample","clientMessageId":"h-sample-{{i}}"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode()));
            }

            viaQueue.Sort();
            viaHttp.Sort();
            var result = new
            {
                chats,
                sendsPerChat = sends,
                commands = chats * sends,
                publishSeconds = Math.Round(published.TotalSeconds, 2),
                acceptedSeconds = Math.Round(accepted.TotalSeconds, 2),
                commandsPerSecondToAccepted = Math.Round(chats * sends / accepted.TotalSeconds, 1),
                samples,
                queueSendP50Ms = Percentile(viaQueue, 0.5),
                queueSendP99Ms = Percentile(viaQueue, 0.99),
                httpSendP50Ms = Percentile(viaHttp, 0.5),
                httpSendP99Ms = Percentile(viaHttp, 0.99),
                addedP50Ms = Math.Round(Percentile(viaQueue, 0.5) - Percentile(viaHttp, 0.5), 2),
            };
            var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
            Console.WriteLine(json);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, json);
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    private static async Task PublishAsync(IChannel channel, string type, string key, string messageId, string body) =>
        await QueueCommand.PublishAsync(channel, new AmqpOptions().CommandQueue, type, key, messageId, body);

    /// <summary>From the command to Genesys counting one more guest message.</summary>
    private static async Task<double> TimeUntilAcceptedAsync(HttpClient control, Func<Task> send)
    {
        var before = await GuestMessagesAsync(control);
        var clock = Stopwatch.StartNew();
        await send();
        while (await GuestMessagesAsync(control) <= before)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("A send was not accepted within 30 s.");
            }
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task<long> GuestMessagesAsync(HttpClient control) =>
        (await control.GetFromJsonAsync<JsonObject>("/emulator/counters"))!["GuestMessages"]?.GetValue<long>() ?? 0;

    private static double Percentile(List<double> sorted, double p) => Math.Round(sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))], 2);
}
