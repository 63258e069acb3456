using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using GuestChat.Host.Serve;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GuestChat.Host.Tests.Serve;

/// <summary>The real service (ServiceHost, as <c>serve</c> builds it) on a free loopback port, with its embedded emulator.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public const string ApiKey = "host-tests-key-0123456789";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempFolder _data = new("guestchat-serve");
    private WebApplication? _app;

    /// <summary>A client that sends the API key.</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(100) };

    /// <summary>A client that sends no key.</summary>
    public HttpClient Anonymous { get; } = new();

    /// <summary>The embedded emulator's base URL (its control API is under /emulator).</summary>
    public Uri EmulatorUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The service as it ships: conversations journaled to SQLite (a database of the test's own).
        _app = ServiceHost.Build(["--Urls=http://127.0.0.1:0", $"--Service:ApiKey={ApiKey}", "--Service:EventStreamBuffer=64", "--Serilog:MinimumLevel:Default=Warning",
            $"--Persistence:ConnectionString={_data.SqliteConnectionString()}", $"--Persistence:JwtKey={GuestChat.Actors.Persistence.SecretProtector.NewKey()}"]);
        await _app.StartAsync();
        var baseUrl = new Uri(_app.Urls.First());
        Http.BaseAddress = baseUrl;
        Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        Anonymous.BaseAddress = baseUrl;
        var health = await Anonymous.GetFromJsonAsync<JsonObject>("/healthz");
        EmulatorUrl = new Uri(health!["target"]!.GetValue<string>());
    }

    /// <summary>Every route the service maps, with its HTTP methods, as the running app has them.</summary>
    public IReadOnlyList<(string Route, string Method)> Routes =>
        [.. _app!.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => ("/" + e.RoutePattern.RawText!.TrimStart('/'), m)))];

    public async Task DisposeAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    /// <summary>POSTs JSON text as it is (so a test can send anything).</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string json, string contentType = "application/json") =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, contentType));

    /// <summary>Creates a chat on the default queue and waits until an agent has joined.</summary>
    public async Task<JsonObject> CreateActiveChatAsync(string key)
    {
        var created = await PostAsync("/chats", $$$"""{"key":"{{{key}}}","memberInfo":{"displayName":"Tester"}}""");
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        return await WaitForStateAsync(key, "Active");
    }

    /// <summary>GETs the chat until it is in <paramref name="state"/>, or fails after a deadline.</summary>
    public Task<JsonObject> WaitForStateAsync(string key, string state) => ChatStates.WaitForAsync(Http, key, state, Patience);

    /// <summary>Opens a server-sent-events stream and hands its events over as they come.</summary>
    public Task<EventReader> OpenEventsAsync(string path, long? lastEventId = null) => OpenEventsAsync(Http, path, lastEventId);

    /// <summary>Opens a server-sent-events stream with <paramref name="http"/>, resuming after <paramref name="lastEventId"/> when given.</summary>
    public static async Task<EventReader> OpenEventsAsync(HttpClient http, string path, long? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventReader(response);
    }

    /// <summary>The events of one SSE stream, parsed (event name and JSON data) as they arrive.</summary>
    public sealed class EventReader : IDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly Channel<(string Name, JsonObject Data)> _events = Channel.CreateUnbounded<(string, JsonObject)>();
        private readonly Task _reading;

        public EventReader(HttpResponseMessage response)
        {
            _response = response;
            _reading = ReadAsync();
        }

        /// <summary>The id of the last event received that had one, as a browser's EventSource keeps it for its reconnect; null before any.</summary>
        public long? LastId { get; private set; }

        /// <summary>Completes when the server ended the stream.</summary>
        public Task Completion => _reading;

        /// <summary>The next event that matches, skipping others; fails after a deadline.</summary>
        public async Task<JsonObject> NextAsync(string name, Func<JsonObject, bool>? match = null)
        {
            using var deadline = new CancellationTokenSource(Patience);
            while (true)
            {
                var (eventName, data) = await _events.Reader.ReadAsync(deadline.Token);
                if (eventName == name && (match is null || match(data)))
                {
                    return data;
                }
            }
        }

        /// <summary>Every event of this name received and not yet read, in order (without waiting).</summary>
        public List<JsonObject> Drain(string name)
        {
            var drained = new List<JsonObject>();
            while (_events.Reader.TryRead(out var next))
            {
                if (next.Name == name)
                {
                    drained.Add(next.Data);
                }
            }

            return drained;
        }

        public void Dispose() => _response.Dispose();

        private async Task ReadAsync()
        {
            using var reader = new StreamReader(await _response.Content.ReadAsStreamAsync());
            string? name = null;
            try
            {
                while (await reader.ReadLineAsync() is { } line)
                {
                    if (line.StartsWith("id: ", StringComparison.Ordinal))
                    {
                        LastId = long.Parse(line["id: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                    }
                    else if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        name = line["event: ".Length..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
                    {
                        _events.Writer.TryWrite((name, JsonNode.Parse(line["data: ".Length..])!.AsObject()));
                        name = null;
                    }
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or HttpRequestException)
            {
                // Disposed by the test.
            }
            finally
            {
                _events.Writer.TryComplete();
            }
        }
    }
}
