using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using GuestChat.Host.Serve;
using Microsoft.AspNetCore.Builder;

namespace GuestChat.Host.Tests.Serve;

/// <summary>
/// <c>serve --Target:Transport=WebMessaging</c> with its embedded emulator: the same HTTP API drives a Web
/// Messaging chat (create, a message both ways with its event, the end by the guest), journaled to SQLite.
/// </summary>
public sealed class WebMessagingServeTests : IAsyncLifetime
{
    private const string ApiKey = "web-messaging-key-0123456789";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempFolder _data = new("guestchat-serve-wm");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        _app = ServiceHost.Build(["--Urls=http://127.0.0.1:0", $"--Service:ApiKey={ApiKey}", "--Serilog:MinimumLevel:Default=Warning", "--Target:Transport=WebMessaging",
            "--Target:Origin=https://shop.example", $"--Persistence:ConnectionString={_data.SqliteConnectionString()}", $"--Persistence:JwtKey={GuestChat.Actors.Persistence.SecretProtector.NewKey()}"]);
        await _app.StartAsync();
        _http.BaseAddress = new Uri(_app.Urls.First());
        _http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    [Fact]
    public async Task The_http_api_drives_a_web_messaging_chat_as_it_drives_a_guest_chat()
    {
        Assert.Equal("webmessaging", (await _http.GetFromJsonAsync<JsonObject>("/healthz"))!["transport"]!.GetValue<string>());
        var created = await _http.PostAsync("/chats", Json("""{"key":"wm-1","memberInfo":{"displayName":"Messenger Guest"}}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await ChatStates.WaitForAsync(_http, "wm-1", "Queued", Patience);
        using var events = await ServiceFixture.OpenEventsAsync(_http, "/chats/wm-1/events");

        var sent = await _http.PostAsync("/chats/wm-1/messages", Json("""{"body":"hello over web messaging","clientMessageId":"m-1"}"""));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var reply = await events.NextAsync("message").WaitAsync(Patience);
        Assert.Contains("hello over web messaging", reply["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("AGENT", reply["sender"]!["role"]!.GetValue<string>());
        var active = await ChatStates.WaitForAsync(_http, "wm-1", "Active", Patience);
        Assert.Contains(active["transcript"]!.AsArray(), l => l!["body"]!.GetValue<string>() == "hello over web messaging" && l["senderRole"]!.GetValue<string>() == "CUSTOMER");

        Assert.Equal(HttpStatusCode.OK, (await _http.DeleteAsync("/chats/wm-1")).StatusCode);
        var ended = await ChatStates.WaitForAsync(_http, "wm-1", "Ended", Patience);
        Assert.Equal("GuestLeft", ended["endReason"]!.GetValue<string>());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
