using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using GuestChat.Host.Amqp;
using GuestChat.Host.Serve;
using Microsoft.AspNetCore.Builder;
using RabbitMQ.Client;

namespace GuestChat.Host.Tests.Amqp;

/// <summary>
/// A real RabbitMQ node (scripts/rabbitmq.sh) and the real service (ServiceHost, as <c>serve</c> builds it)
/// with its message-queue surface on, its embedded emulator and a SQLite journal; plus a connection for
/// the test to publish commands and read what the service published.
/// </summary>
public class AmqpServiceFixture : IAsyncLifetime
{
    public const string ApiKey = "amqp-tests-key-0123456789";
    private readonly TempFolder _data = new("guestchat-amqp");
    private WebApplication? _app;
    private IConnection? _connection;

    internal ScriptedBroker Broker { get; private set; } = null!;

    /// <summary>Settings a test class needs beside the defaults.</summary>
    protected virtual string[] ExtraSettings => [];

    /// <summary>A client of the service's HTTP API, with the key.</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(100) };

    /// <summary>The embedded emulator's base URL.</summary>
    public Uri EmulatorUrl { get; private set; } = null!;

    /// <summary>A channel of the test's own, with publisher confirms.</summary>
    public IChannel Channel { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Broker = await ScriptedBroker.StartAsync();
        _app = ServiceHost.Build(["--Urls=http://127.0.0.1:0", $"--Service:ApiKey={ApiKey}", "--Serilog:MinimumLevel:Default=Warning",
            $"--Persistence:ConnectionString={_data.SqliteConnectionString()}", $"--Persistence:JwtKey={GuestChat.Actors.Persistence.SecretProtector.NewKey()}",
            $"--Amqp:Uri={Broker.Uri}", "--Amqp:DeliveryLimit=3", .. ExtraSettings]);
        await _app.StartAsync();
        Http.BaseAddress = new Uri(_app.Urls.First());
        Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        EmulatorUrl = new Uri((await Http.GetFromJsonAsync<JsonObject>("/healthz"))!["target"]!.GetValue<string>());
        _connection = await new ConnectionFactory { Uri = Broker.Uri }.CreateConnectionAsync();
        Channel = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await Eventually.TrueAsync(() => AmqpTopology.DeclaredAsync(_connection, new AmqpOptions()), "the service's topology declared");
    }

    /// <summary>A new connection and channel for the test (after the broker was away).</summary>
    public async Task ReconnectAsync()
    {
        _connection?.Dispose();
        _connection = await new ConnectionFactory { Uri = Broker.Uri }.CreateConnectionAsync();
        Channel = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_connection is not null)
        {
            await _connection.CloseAsync();
            _connection.Dispose();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Broker.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>Publishes a command as an integration would: type, chat key header, message id, JSON body; null parts left out.</summary>
    public async Task PublishAsync(string? type, string? key, string? messageId, string body, string? contentType = "application/json", bool checkSchema = true)
    {
        if (checkSchema && type is not null && body.Length > 0)
        {
            // What a test sends as a good command is valid under the schema an integrator would generate code from.
            ContractSchemas.AssertValid($"command.{type}.schema.json", body);
        }

        await QueueCommand.PublishAsync(Channel, new AmqpOptions().CommandQueue, type, key, messageId, Encoding.UTF8.GetBytes(body), contentType);
    }

    /// <summary>Takes what is in a queue now, waiting until at least <paramref name="count"/> messages have come.</summary>
    public async Task<List<(IReadOnlyBasicProperties Properties, string Body)>> TakeAsync(string queue, int count, TimeSpan? patience = null,
        Func<List<(IReadOnlyBasicProperties Properties, string Body)>, bool>? until = null)
    {
        var taken = new List<(IReadOnlyBasicProperties, string)>();
        await Eventually.TrueAsync(async () =>
        {
            while (await Channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                taken.Add((message.BasicProperties, Encoding.UTF8.GetString(message.Body.Span)));
            }

            return taken.Count >= count && (until is null || until(taken));
        }, $"{count} messages in {queue} (got {taken.Count})", patience ?? TimeSpan.FromSeconds(30));
        return taken;
    }

    /// <summary>A queue of the test's own bound to the event exchange with <paramref name="binding"/> (<c>chat.#</c>, <c>chat.message</c>, ...).</summary>
    public async Task<string> BindEventsAsync(string binding, bool durable = false)
    {
        var queue = (await Channel.QueueDeclareAsync($"test-events-{Guid.NewGuid():N}", durable: durable, exclusive: false, autoDelete: false)).QueueName;
        await Channel.QueueBindAsync(queue, "guestchat.events", binding);
        return queue;
    }

    /// <summary>Creates a chat through the queue and waits until an agent has joined.</summary>
    public async Task StartActiveChatAsync(string key)
    {
        await PublishAsync("chat.start", key, $"start-{key}", """{"memberInfo":{"displayName":"Queue Guest"}}""");
        await WaitForStateAsync(key, "Active");
    }

    public Task WaitForStateAsync(string key, string state) => ChatStates.WaitForAsync(Http, key, state, TimeSpan.FromSeconds(30));
}
