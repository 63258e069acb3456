using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text;
using GuestChat.Client.Models;
using GuestChat.Emulator.Options;
using GuestChat.Emulator;
using GuestChat.Host.Amqp;
using GuestChat.Testing;
using RabbitMQ.Client;

namespace GuestChat.Host.Tests.Amqp;

/// <summary>
/// The real <c>serve</c> executable taking commands from a real broker, killed with SIGKILL while commands
/// are consumed and not yet acknowledged, and started again on the same SQLite journal, with the emulator
/// in a process of its own.
/// </summary>
public sealed class AmqpRestartTests : IAsyncLifetime
{
    private const string ApiKey = "amqp-restart-key-0123456789";
    private const int Chats = 10;
    private const int SendsPerChat = 5;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempFolder _data = new("guestchat-amqp-restart");
    private readonly string _jwtKey = GuestChat.Actors.Persistence.SecretProtector.NewKey();
    private ScriptedBroker _broker = null!;
    private EmulatorProcess _emulator = null!;

    public async Task InitializeAsync()
    {
        _broker = await ScriptedBroker.StartAsync();
        _emulator = await EmulatorProcess.StartAsync(["--Emulator:Timing:AgentAlertDelay=00:00:00.100", "--Emulator:Timing:AgentAnswerDelay=00:00:00.100"], TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _broker.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Commands_redelivered_after_a_kill_have_one_effect_each_and_the_message_events_have_no_gap()
    {
        var keys = Enumerable.Range(1, Chats).Select(i => $"amqp-restart-{i}").ToList();
        using var connection = await new ConnectionFactory { Uri = _broker.Uri }.CreateConnectionAsync();
        var serve = await StartServeAsync();
        await Eventually.TrueAsync(() => AmqpTopology.DeclaredAsync(connection, new AmqpOptions()), "the service's topology declared", Patience);
        using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

        var events = (await channel.QueueDeclareAsync("restart-test-events", durable: true, exclusive: false, autoDelete: false)).QueueName;
        await channel.QueueBindAsync(events, "guestchat.events", "chat.message");
        using (var http = serve.Client(ApiKey))
        {
            foreach (var key in keys)
            {
                await PublishAsync(channel, "chat.start", key, $"start-{key}", """{"memberInfo":{"displayName":"Restart Guest"}}""");
            }

            foreach (var key in keys)
            {
                await WaitForStateAsync(http, key, "Active");
            }

            // A burst of sends, and the process dies while it is taking them.
            for (var n = 1; n <= SendsPerChat; n++)
            {
                foreach (var key in keys)
                {
                    await PublishAsync(channel, "chat.send", key, $"{key}-{n}", $$"""{"body":"{{key}} message {{n}}"}""");
                }
            }

            // Killed as soon as Genesys has the first send: the rest of the burst is being taken, or waits in the queue.
            await Eventually.TrueAsync(async () => (await AtGenesys(http, keys[0])).Any(e => e.Body == $"{keys[0]} message 1"), "the burst's first send at Genesys", Patience);
            await serve.KillAsync();
        }

        await using var again = await StartServeAsync();
        using var resumed = again.Client(ApiKey);
        foreach (var key in keys)
        {
            await WaitForStateAsync(resumed, key, "Active");
        }

        // At Genesys: every send once, in the order queued.
        foreach (var key in keys)
        {
            List<string> mine = [];
            await Eventually.TrueAsync(async () =>
            {
                mine = [.. (await AtGenesys(resumed, key)).Where(e => e.SenderRole == MemberRole.Customer && e.BodyType == BodyType.Standard).Select(e => e.Body!)];
                return mine.Count >= SendsPerChat;
            }, $"the {SendsPerChat} sends of {key} at Genesys", Patience);
            Assert.Equal(Enumerable.Range(1, SendsPerChat).Select(n => $"{key} message {n}"), mine);
        }

        // On the exchange: every agent message of every chat, none missing (a repeat is allowed, and recognised by its message_id).
        var agentMessages = new HashSet<string>();
        foreach (var key in keys)
        {
            await Eventually.TrueAsync(async () => (await AtGenesys(resumed, key)).Count(e => e.SenderRole == MemberRole.Agent && e.BodyType == BodyType.Standard) >= SendsPerChat,
                $"the agent's answers in {key}", Patience);
            agentMessages.UnionWith((await AtGenesys(resumed, key)).Where(e => e.SenderRole == MemberRole.Agent && e.BodyType == BodyType.Standard).Select(e => e.Id!));
        }

        var published = new Dictionary<string, string>();
        await Eventually.TrueAsync(async () =>
        {
            while (await channel.BasicGetAsync(events, autoAck: true) is { } message)
            {
                var body = JsonNode.Parse(Encoding.UTF8.GetString(message.Body.Span))!;
                var messageId = body["messageId"]!.GetValue<string>();
                if (published.TryGetValue(messageId, out var deliveryId))
                {
                    Assert.Equal(deliveryId, message.BasicProperties.MessageId);
                }

                published[messageId] = message.BasicProperties.MessageId!;
            }

            return agentMessages.IsSubsetOf(published.Keys);
        }, "every agent message on the exchange", Patience);
    }

    [Fact]
    public async Task A_command_queue_the_broker_refuses_keeps_the_service_up_and_commands_flow_once_it_is_fixed()
    {
        // Someone declared the command queue with other settings: the service's own declaration is refused.
        using var connection = await new ConnectionFactory { Uri = _broker.Uri }.CreateConnectionAsync();
        using (var other = await connection.CreateChannelAsync())
        {
            await other.QueueDeclareAsync(new AmqpOptions().CommandQueue, durable: false, exclusive: false, autoDelete: false);
        }

        await using var serve = await StartServeAsync();
        using var http = serve.Client(ApiKey);
        await Eventually.TrueAsync(() => Task.FromResult(serve.Log.Contains("Could not start taking commands", StringComparison.Ordinal)), "the refusal in the log", Patience);
        Assert.True((await http.GetAsync("/chats")).IsSuccessStatusCode, $"the HTTP API still answers:\n{serve.Log}");

        using (var fix = await connection.CreateChannelAsync())
        {
            await fix.QueueDeleteAsync(new AmqpOptions().CommandQueue);
        }

        await Eventually.TrueAsync(() => AmqpTopology.DeclaredAsync(connection, new AmqpOptions()), "the service's topology declared", Patience);
        using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await PublishAsync(channel, "chat.start", "refused-then-fixed", "start-refused-then-fixed", """{"memberInfo":{"displayName":"Patient Guest"}}""");
        await WaitForStateAsync(http, "refused-then-fixed", "Active");
    }

    private Task<ServeProcess> StartServeAsync() => ServeProcess.StartAsync(
        $"--target {_emulator.BaseUrl} --Target:OrganizationId={EmulatorDefaults.OrganizationId} --Target:DeploymentId={EmulatorDefaults.DeploymentId} --Target:Queue=\"{EmulatorDefaults.QueueName}\" --Serilog:MinimumLevel:Default=Warning",
        new Dictionary<string, string>
        {
            ["GUESTCHAT_Service__ApiKey"] = ApiKey,
            ["GUESTCHAT_Persistence__ConnectionString"] = _data.SqliteConnectionString(),
            ["GUESTCHAT_Persistence__JwtKey"] = _jwtKey,
            ["GUESTCHAT_Amqp__Uri"] = _broker.Uri.ToString(),
        },
        TimeSpan.FromSeconds(30));

    private static async Task PublishAsync(IChannel channel, string type, string key, string messageId, string body) =>
        await QueueCommand.PublishAsync(channel, new AmqpOptions().CommandQueue, type, key, messageId, body);

    private async Task<IReadOnlyList<GuestChat.Emulator.Control.TranscriptEntry>> AtGenesys(HttpClient http, string key)
    {
        var conversationId = (await http.GetFromJsonAsync<JsonObject>($"/chats/{key}"))!["conversationId"]!.GetValue<string>();
        return (await _emulator.ConversationAsync(conversationId, CancellationToken.None))!.Transcript!;
    }

    private static Task WaitForStateAsync(HttpClient http, string key, string state) => ChatStates.WaitForAsync(http, key, state, Patience);
}
