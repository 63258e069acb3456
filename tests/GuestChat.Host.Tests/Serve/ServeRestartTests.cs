using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using System.Text;
using GuestChat.Emulator.Options;
using GuestChat.Emulator;
using GuestChat.Testing;

namespace GuestChat.Host.Tests.Serve;

/// <summary>
/// The service killed with SIGKILL in the middle of traffic and started again on the same SQLite
/// journal, with the emulator in a process of its own (it outlives the service, as Genesys would).
/// </summary>
public sealed class ServeRestartTests : IAsyncLifetime
{
    private const string ApiKey = "restart-test-key-0123456789";
    private const int Chats = 100;
    private const int Readers = 5;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempFolder _data = new("guestchat-restart");
    private readonly string _jwtKey = GuestChat.Actors.Persistence.SecretProtector.NewKey();
    private EmulatorProcess _emulator = null!;

    public async Task InitializeAsync() =>
        _emulator = await EmulatorProcess.StartAsync(["--Emulator:Timing:AgentAlertDelay=00:00:00.100", "--Emulator:Timing:AgentAnswerDelay=00:00:00.100"], TimeSpan.FromSeconds(60));

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _data.Dispose();
    }

    [Theory]
    [InlineData("GuestChat")]
    [InlineData("WebMessaging")]
    public async Task A_service_killed_mid_traffic_resumes_every_chat_and_nothing_is_lost_or_sent_twice(string transport)
    {
        _transport = transport;
        var keys = Enumerable.Range(1, Chats).Select(i => $"restart-{i}").ToList();
        var serve = await StartServeAsync();
        using (var http = serve.Client(ApiKey))
        {
            await Task.WhenAll(keys.Select(async key =>
            {
                var created = await http.PostAsync("/chats", Json(new JsonObject { ["key"] = key, ["memberInfo"] = new JsonObject { ["displayName"] = $"Guest {key}" } }.ToJsonString()));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);

                // On Web Messaging no agent is known before it speaks: the guest speaks first there.
                await WaitForStateAsync(http, key, _transport == "WebMessaging" ? "Queued" : "Active");
                Assert.Equal(HttpStatusCode.Created, (await http.PostAsync($"/chats/{key}/messages", Json($$"""{"body":"{{key}} one"}"""))).StatusCode);
                await WaitForStateAsync(http, key, "Active");
            }));

            // Readers of the first chats' event streams, as a client of the service would hold them.
            foreach (var key in keys.Take(Readers))
            {
                _readers[key] = await ServiceFixture.OpenEventsAsync(http, $"/chats/{key}/events");
            }

            _everyChat = await ServiceFixture.OpenEventsAsync(http, "/events");

            // Sends in flight when the process dies: each may or may not have reached Genesys.
            var inFlight = keys.Select(key => http.PostAsync($"/chats/{key}/messages", Json($$"""{"body":"{{key}} two"}"""))).ToList();
            await Task.Delay(15);
            await serve.KillAsync();
            await Task.WhenAll(inFlight.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        var killedAt = DateTime.UtcNow;
        await using var again = await StartServeAsync();
        using var resumed = again.Client(ApiKey);
        foreach (var key in keys)
        {
            await WaitForStateAsync(resumed, key, "Active");
        }

        var backIn = DateTime.UtcNow - killedAt;

        // The readers lost their streams with the process; each reconnects with the last id it saw.
        var heard = new Dictionary<string, List<JsonObject>>();
        var reconnected = new Dictionary<string, ServiceFixture.EventReader>();
        foreach (var (key, reader) in _readers)
        {
            await reader.Completion.WaitAsync(Patience);
            heard[key] = reader.Drain("message");
            reader.Dispose();
            var last = heard[key].Select(m => m["sequence"]!.GetValue<long>()).DefaultIfEmpty(0).Max();
            reconnected[key] = await ServiceFixture.OpenEventsAsync(resumed, $"/chats/{key}/events", last);
        }

        // So does the reader of every chat, with the last journal position it saw.
        await _everyChat!.Completion.WaitAsync(Patience);
        var heardEverywhere = _everyChat.Drain("message");
        var everyChat = await ServiceFixture.OpenEventsAsync(resumed, "/events", _everyChat.LastId);
        _everyChat.Dispose();

        foreach (var key in keys)
        {
            Assert.Equal(HttpStatusCode.Created, (await resumed.PostAsync($"/chats/{key}/messages", Json($$"""{"body":"{{key}} three"}"""))).StatusCode);
        }

        foreach (var key in keys)
        {
            // At Genesys: every guest message once. "two" was in flight: at most once, whether it was posted
            // before the kill, settled from the journal after it, or never reached the service at all.
            var atGenesys = await AtGenesysAsync(resumed, key);
            var mine = atGenesys.Where(e => e.SenderRole == GuestChat.Client.Models.MemberRole.Customer && e.BodyType == GuestChat.Client.Models.BodyType.Standard).Select(e => e.Body).ToList();
            Assert.Single(mine, b => b == $"{key} one");
            Assert.Single(mine, b => b == $"{key} three");
            Assert.InRange(mine.Count(b => b == $"{key} two"), 0, 1);
            Assert.Equal(mine.Count, mine.Distinct().Count());

            // In the service: every agent message of the chat once (the echoes of all three, the one said meanwhile included).
            var agentIds = atGenesys.Where(e => e.SenderRole == GuestChat.Client.Models.MemberRole.Agent && e.BodyType == GuestChat.Client.Models.BodyType.Standard).Select(e => e.Id).ToList();
            var lines = new List<string>();
            try
            {
                await Eventually.TrueAsync(async () =>
                {
                    lines = [.. (await resumed.GetFromJsonAsync<JsonObject>($"/chats/{key}"))!["transcript"]!.AsArray().Select(l => l!["messageId"]!.GetValue<string>())];
                    return agentIds.All(id => lines.Count(l => l == id) == 1) && lines.Count == lines.Distinct().Count();
                }, $"every agent message of {key} in the service's transcript once", Patience);
            }
            catch (TimeoutException e)
            {
                var chatNow = (await resumed.GetFromJsonAsync<JsonObject>($"/chats/{key}"))!.ToJsonString();
                throw new TimeoutException($"{e.Message}\nat Genesys: {string.Join(", ", atGenesys.Select(a => $"{a.Id}:{a.SenderRole}:{a.BodyType}:{a.Body}@{a.Timestamp:HH:mm:ss.fff}"))}\nin the service: {chatNow}", e);
            }
        }

        // Every agent message reached each reader exactly once, across the kill.
        foreach (var (key, reader) in reconnected)
        {
            var atGenesys = await AtGenesysAsync(resumed, key);
            var agentIds = atGenesys.Where(e => e.SenderRole == GuestChat.Client.Models.MemberRole.Agent && e.BodyType == GuestChat.Client.Models.BodyType.Standard).Select(e => e.Id!).ToHashSet();
            var received = heard[key];
            await Eventually.TrueAsync(() =>
            {
                received.AddRange(reader.Drain("message"));
                return agentIds.IsSubsetOf(received.Select(m => m["messageId"]!.GetValue<string>()));
            }, $"every agent message of {key} at its reader", Patience);
            var ids = received.Select(m => m["messageId"]!.GetValue<string>()).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            reader.Dispose();
        }

        // And every agent message of every chat said after that reader opened (the answers to "two" and "three") reached it exactly once, across the kill.
        var saidSince = new HashSet<string>();
        foreach (var key in keys)
        {
            var atGenesys = await AtGenesysAsync(resumed, key);
            saidSince.UnionWith(atGenesys.Where(e => e.SenderRole == GuestChat.Client.Models.MemberRole.Agent && e.BodyType == GuestChat.Client.Models.BodyType.Standard && (e.Body!.EndsWith(" two", StringComparison.Ordinal) || e.Body.EndsWith(" three", StringComparison.Ordinal))).Select(e => e.Id!));
        }

        try
        {
            await Eventually.TrueAsync(() =>
            {
                heardEverywhere.AddRange(everyChat.Drain("message"));
                return saidSince.IsSubsetOf(heardEverywhere.Select(m => m["messageId"]!.GetValue<string>()));
            }, "every answer to two and three at the reader of every chat", Patience);
        }
        catch (TimeoutException e)
        {
            var missing = saidSince.Except(heardEverywhere.Select(m => m["messageId"]!.GetValue<string>())).ToList();
            throw new TimeoutException($"{e.Message} {missing.Count} of {saidSince.Count} missing, e.g. {string.Join(", ", missing.Take(5))}; heard {heardEverywhere.Count}, resumed after {_everyChat.LastId}: {string.Join(" | ", heardEverywhere.TakeLast(5).Select(m => m.ToJsonString()))}", e);
        }

        var everywhereIds = heardEverywhere.Select(m => m["messageId"]!.GetValue<string>()).ToList();
        Assert.Equal(everywhereIds.Count, everywhereIds.Distinct().Count());
        everyChat.Dispose();

        Assert.True(backIn < TimeSpan.FromSeconds(30), $"the chats were Active again {backIn.TotalSeconds:F1} s after the kill");
    }

    private readonly Dictionary<string, ServiceFixture.EventReader> _readers = [];
    private string _transport = "GuestChat";
    private Dictionary<string, string>? _chatOfMessage;

    /// <summary>
    /// A chat's transcript at Genesys (the emulator): found by its conversation id on guest chat; a Web Messaging
    /// guest never learns that id, so there it is the emulator chat that holds the messages of the service's transcript.
    /// </summary>
    private async Task<IReadOnlyList<GuestChat.Emulator.Control.TranscriptEntry>> AtGenesysAsync(HttpClient service, string key)
    {
        var chat = (await service.GetFromJsonAsync<JsonObject>($"/chats/{key}"))!;
        var id = chat["conversationId"]!.GetValue<string>();
        if (_transport == "WebMessaging")
        {
            if (_chatOfMessage is null)
            {
                _chatOfMessage = [];
                foreach (var conversation in await _emulator.ConversationIdsAsync(null, CancellationToken.None))
                {
                    foreach (var entry in (await _emulator.ConversationAsync(conversation, CancellationToken.None))!.Transcript!)
                    {
                        _chatOfMessage[entry.Id!] = conversation;
                    }
                }
            }

            id = chat["transcript"]!.AsArray().Select(l => _chatOfMessage.GetValueOrDefault(l!["messageId"]!.GetValue<string>())).First(c => c is not null)!;
        }

        return (await _emulator.ConversationAsync(id, CancellationToken.None))!.Transcript!;
    }
    private ServiceFixture.EventReader? _everyChat;

    private Task<ServeProcess> StartServeAsync() => ServeProcess.StartAsync(
        $"--target {_emulator.BaseUrl} --Target:OrganizationId={EmulatorDefaults.OrganizationId} --Target:DeploymentId={EmulatorDefaults.DeploymentId} --Target:Queue=\"{EmulatorDefaults.QueueName}\" --Target:Transport={_transport} --Serilog:MinimumLevel:Default=Warning",
        new Dictionary<string, string>
        {
            ["GUESTCHAT_Service__ApiKey"] = ApiKey,
            ["GUESTCHAT_Persistence__ConnectionString"] = _data.SqliteConnectionString(),
            ["GUESTCHAT_Persistence__JwtKey"] = _jwtKey,
        },
        TimeSpan.FromSeconds(30));

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static Task WaitForStateAsync(HttpClient http, string key, string state) => ChatStates.WaitForAsync(http, key, state, Patience);
}
