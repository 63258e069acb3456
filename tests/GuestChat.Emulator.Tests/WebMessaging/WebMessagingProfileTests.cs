using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using GuestChat.Client.WebMessaging;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Tests.Support;

namespace GuestChat.Emulator.Tests.WebMessaging;

/// <summary>
/// The emulator's Web Messaging profile (<c>/v1?deploymentId=</c>) over a real socket: sessions by token,
/// the guest's message echoed with its tracing id, the agent's messages and typing, the end as a
/// read-only Presence Disconnect, the rate limit, the error codes, the history endpoint; every frame in
/// the shape of the golden frames Genesys's own transport SDK tests against, and read by the client
/// library's parser.
/// </summary>
public sealed class WebMessagingProfileTests : IAsyncLifetime
{
    private TestEmulator _emulator = null!;

    // An ended chat's sockets are closed SocketCloseDelay after its end (100 ms in the quick timings). The
    // read-only test sends after the end and waits for the 400; on a loaded machine that took longer than
    // 100 ms and met a closed socket instead. These tests are about the profile's frames, not that close.
    public async Task InitializeAsync() => _emulator = await TestEmulator.StartAsync(o => o.Timing.SocketCloseDelay = TimeSpan.FromSeconds(30));

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task A_new_token_starts_a_session_and_the_same_token_on_another_socket_resumes_it()
    {
        var (first, started) = await MessengerGuest.StartAsync(_emulator.Emulator);
        await using var _ = first;
        Assert.Equal(new SessionResponse(true, true, false, 2048, false, null, null) { Code = 200, IsResponse = true }, started);

        var (second, resumed) = await MessengerGuest.StartAsync(_emulator.Emulator, first.Token);
        await using var __ = second;
        Assert.True(resumed is { Connected: true, NewSession: false, ReadOnly: false });
        Assert.Single(await ConversationsAsync());
    }

    [Fact]
    public async Task The_guests_message_comes_back_inbound_with_its_tracing_id_and_the_agent_answers_outbound()
    {
        var (guest, _) = await MessengerGuest.StartAsync(_emulator.Emulator);
        await using var _ = guest;
        await guest.SendAsync(WebMessagingRequests.SendText(guest.Token, "Hello there", "trace-1", new Dictionary<string, string> { ["orderId"] = "42" }));

        var (raw, own) = await guest.NextAsync<StructuredMessageFrame>();
        Assert.Equal("trace-1", own.TracingId);
        Assert.True(own.Message.IsInbound);
        Assert.Equal("Hello there", own.Message.Text);
        AssertShape(Golden.OutboundText.Replace("Outbound", "Inbound", StringComparison.Ordinal), raw, except: ["body.originatingEntity"]);

        var (typingRaw, typing) = await guest.NextAsync<StructuredMessageFrame>(f => f.Message.Type == "Event");
        Assert.Equal(("Typing", "On", 5000), (typing.Message.Events[0].EventType, typing.Message.Events[0].Type, typing.Message.Events[0].DurationMilliseconds));
        AssertShape(Golden.TypingOn, typingRaw["body"]!["events"]![0]!);

        var (answerRaw, answer) = await guest.NextAsync<StructuredMessageFrame>(f => f.Message.Type == "Text");
        Assert.False(answer.Message.IsInbound);
        Assert.Contains("Hello there", answer.Message.Text, StringComparison.Ordinal);
        Assert.Equal("Human", answer.Message.OriginatingEntity);
        Assert.False(string.IsNullOrEmpty(answer.Message.SenderNickname));
        AssertShape(Golden.OutboundText, answerRaw);
    }

    [Fact]
    public async Task Echo_is_answered_with_ping_and_its_tracing_id_and_get_jwt_with_a_jwt_that_reads_the_history()
    {
        var (guest, _) = await MessengerGuest.StartAsync(_emulator.Emulator);
        await using var _ = guest;
        await guest.SendAsync(WebMessagingRequests.Echo(guest.Token));
        var (echoRaw, echo) = await guest.NextAsync();
        AssertShape(Golden.Echo, echoRaw);
        Assert.True(echo is StructuredMessageFrame { IsResponse: true, TracingId: WebMessagingRequests.EchoTracingId, Message: { Text: "ping", IsInbound: true } });

        await guest.SendAsync(WebMessagingRequests.SendText(guest.Token, "one", "t-1"));
        await guest.NextAsync<StructuredMessageFrame>(f => f.Message is { Type: "Text", IsInbound: false });
        await guest.SendAsync(WebMessagingRequests.GetJwt(guest.Token, "jwt-1"));
        var (jwtRaw, jwt) = await guest.NextAsync<JwtResponse>();
        AssertShape(Golden.Jwt, jwtRaw);
        Assert.True(jwt.Expires > DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        using var history = new HttpRequestMessage(HttpMethod.Get, "/api/v2/webmessaging/messages?pageNumber=1&pageSize=25");
        history.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt.Jwt);
        var page = (await Json.NodeAsync(await _emulator.Http.SendAsync(history))).AsObject();
        var entities = page["entities"]!.AsArray();
        Assert.Equal(["Outbound", "Inbound"], entities.Select(e => e!["direction"]!.GetValue<string>()));
        Assert.Equal("one", entities[1]!["text"]!.GetValue<string>());
        Assert.Equal((25, 1, 2, 1), (page["pageSize"]!.GetValue<int>(), page["pageNumber"]!.GetValue<int>(), page["total"]!.GetValue<int>(), page["pageCount"]!.GetValue<int>()));

        Assert.Equal(HttpStatusCode.Unauthorized, (await _emulator.Http.GetAsync("/api/v2/webmessaging/messages")).StatusCode);
        using var badPage = new HttpRequestMessage(HttpMethod.Get, "/api/v2/webmessaging/messages?pageSize=0");
        badPage.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt.Jwt);
        await Json.AssertErrorAsync(await _emulator.Http.SendAsync(badPage), 400, "invalid.value", "pageSize");
    }

    [Fact]
    public async Task Auto_start_routes_the_chat_before_the_guest_speaks_and_comes_back_inbound()
    {
        var (guest, _) = await MessengerGuest.StartAsync(_emulator.Emulator);
        await using var _ = guest;
        Assert.Empty(await ConversationsAsync("Queued", "Alerting", "Active"));
        await guest.SendAsync(WebMessagingRequests.AutoStart(guest.Token, "start-1"));
        var (raw, started) = await guest.NextAsync<StructuredMessageFrame>();
        AssertShape(Golden.PresenceJoin, raw["body"]!["events"]![0]!);
        Assert.True(started is { TracingId: "start-1", Message.IsInbound: true });
        await Eventually.TrueAsync(async () => (await ConversationsAsync("Active")).Count == 1, "an agent on the chat", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_third_message_within_a_second_is_refused_with_4029_and_goes_once_the_second_has_passed()
    {
        var (guest, _) = await MessengerGuest.StartAsync(_emulator.Emulator);
        await using var _ = guest;
        foreach (var id in new[] { "r-1", "r-2", "r-3" })
        {
            await guest.SendAsync(WebMessagingRequests.SendText(guest.Token, id, id));
        }

        var (raw, refused) = await guest.NextAsync<TooManyRequests>();
        AssertShape(Golden.TooManyRequests, raw);
        Assert.Equal("r-3", refused.TracingId);
        Assert.InRange(refused.RetryAfterSeconds, 1, 1);

        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await guest.SendAsync(WebMessagingRequests.SendText(guest.Token, "r-3 again", "r-3b"));
        var (_, echoed) = await guest.NextAsync<StructuredMessageFrame>(f => f.TracingId == "r-3b");
        Assert.True(echoed.Message.IsInbound);
    }

    [Fact]
    public async Task Bad_requests_get_their_error_codes_and_the_socket_goes_on()
    {
        await using var stranger = await MessengerGuest.ConnectAsync(_emulator.Emulator);
        await stranger.SendAsync(WebMessagingRequests.SendText(stranger.Token, "hi", "x-1"));
        await AssertErrorAsync(stranger, 4007, Golden.SessionNotFound);

        var (guest, _) = await MessengerGuest.StartAsync(_emulator.Emulator);
        await using var _ = guest;
        await guest.SendAsync("not json at all");
        await AssertErrorAsync(guest, 400, Golden.RequestFailed);
        await guest.SendAsync("""{"action":"onMessage","token":"TOKEN","tracingId":"m-1","message":{"type":"Text"}}""".Replace("TOKEN", guest.Token, StringComparison.Ordinal));
        Assert.Equal(4020, (await AssertErrorAsync(guest, 4020, Golden.RequestFailed)).Code);
        await guest.SendAsync("""{"action":"echo"}""");
        await AssertErrorAsync(guest, 4020, Golden.RequestFailed);
        await guest.SendAsync(WebMessagingRequests.SendText(guest.Token, new string('x', 4097), "long"));
        await AssertErrorAsync(guest, 4011, Golden.MessageTooLong);
        await guest.SendAsync(WebMessagingRequests.SendText(guest.Token, "attributes", "attrs", new Dictionary<string, string> { ["big"] = new string('a', 2100) }));
        await AssertErrorAsync(guest, 4013, Golden.CustomAttributesTooLarge);

        // Still open and serving.
        await guest.SendAsync(WebMessagingRequests.Echo(guest.Token));
        Assert.IsType<StructuredMessageFrame>((await guest.NextAsync()).Frame);
        Assert.Empty(await ConversationsAsync("Queued", "Alerting", "Active"));
    }

    [Fact]
    public async Task The_end_is_a_read_only_presence_disconnect_and_start_new_opens_another_conversation()
    {
        var (guest, _) = await MessengerGuest.StartAsync(_emulator.Emulator);
        await using var _ = guest;
        await guest.SendAsync(WebMessagingRequests.SendText(guest.Token, "hello", "e-1"));
        await guest.NextAsync<StructuredMessageFrame>(f => f.Message is { Type: "Text", IsInbound: false });

        var id = Assert.Single(await ConversationsAsync());
        (await _emulator.Http.PostAsync($"/emulator/conversations/{id}/agent/end", null)).EnsureSuccessStatusCode();
        var (raw, end) = await guest.NextAsync<StructuredMessageFrame>(f => f.Message.EndsConversation);
        AssertShape(Golden.PresenceDisconnect, raw["body"]!["events"]![0]!);
        Assert.Equal("true", end.Message.Metadata["readOnly"]);

        await guest.SendAsync(WebMessagingRequests.SendText(guest.Token, "anyone?", "e-2"));
        await AssertErrorAsync(guest, 400, Golden.RequestFailed);

        var (again, readOnly) = await MessengerGuest.StartAsync(_emulator.Emulator, guest.Token);
        await using var __ = again;
        Assert.True(readOnly is { NewSession: false, ReadOnly: true });

        var (renewed, fresh) = await MessengerGuest.StartAsync(_emulator.Emulator, guest.Token, startNew: true);
        await using var ___ = renewed;
        Assert.True(fresh is { NewSession: true, ReadOnly: false });
        await renewed.SendAsync(WebMessagingRequests.SendText(renewed.Token, "second chat", "e-3"));
        await renewed.NextAsync<StructuredMessageFrame>(f => f.Message is { Type: "Text", IsInbound: false });
        Assert.Equal(2, (await ConversationsAsync()).Count);
    }

    [Fact]
    public async Task Close_session_answers_connected_false_and_closes_the_sessions_other_sockets_with_connection_closed()
    {
        var (first, _) = await MessengerGuest.StartAsync(_emulator.Emulator);
        await using var _ = first;
        var (second, _) = await MessengerGuest.StartAsync(_emulator.Emulator, first.Token);
        await using var __ = second;

        await first.SendAsync(WebMessagingRequests.CloseSession(first.Token, closeAllConnections: true));
        Assert.True((await first.NextAsync<SessionResponse>()).Frame is { Connected: false });
        var (raw, closed) = await second.NextAsync();
        AssertShape(Golden.ConnectionClosed, raw);
        Assert.IsType<SessionEvent>(closed);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await second.ClosedAsync());
    }

    [Fact]
    public async Task An_unknown_or_disabled_deployment_is_refused_at_the_upgrade()
    {
        foreach (var deployment in new[] { Guid.NewGuid().ToString(), EmulatorDefaults.DisabledDeploymentId })
        {
            var refused = await Assert.ThrowsAsync<WebSocketException>(() => MessengerGuest.ConnectAsync(_emulator.Emulator, deploymentId: deployment));
            Assert.Contains("400", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_session_past_its_lifetime_is_answered_4006_and_a_conversation_outlives_its_sockets()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            // Long enough for the steps before the end to finish first on a loaded machine (CI runs test classes side by side).
            o.Timing.MessagingSessionLifetime = TimeSpan.FromSeconds(8);
            o.Timing.GraceWindow = TimeSpan.FromMilliseconds(200);
        });
        var (guest, _) = await MessengerGuest.StartAsync(emulator.Emulator);
        await guest.SendAsync(WebMessagingRequests.SendText(guest.Token, "hello", "x-1"));
        await guest.NextAsync<StructuredMessageFrame>(f => f.Message is { Type: "Text", IsInbound: false });
        await guest.DisposeAsync();

        // Longer than the guest chat grace window without a socket: a messaging conversation is not abandoned.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var (back, resumed) = await MessengerGuest.StartAsync(emulator.Emulator, guest.Token);
        await using var _ = back;
        Assert.True(resumed is { NewSession: false, ReadOnly: false });

        // At its end the open socket hears SessionExpiredEvent and is closed; the token is answered 4006 from then on.
        var (expiredRaw, expired) = await back.NextAsync<SessionEvent>();
        AssertShape("""{"type": "response","class": "SessionExpiredEvent","code": 200,"body": {}}""", expiredRaw);
        Assert.Equal("response", expiredRaw["type"]!.GetValue<string>());
        Assert.Equal("SessionExpiredEvent", expired.Class);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await back.ClosedAsync());

        await using var late = await MessengerGuest.ConnectAsync(emulator.Emulator, back.Token);
        await late.SendAsync(WebMessagingRequests.ConfigureSession(late.Token, EmulatorDefaults.DeploymentId));
        var (raw, _) = await late.NextAsync<ErrorResponse>();
        AssertShape("""{"type": "response","class": "string","code": 4006,"body": "session expired error message"}""", raw);
        Assert.Equal(4006, raw["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_deployments_config_json_has_what_genesyss_transport_reads()
    {
        var config = (await Json.NodeAsync(await _emulator.Http.GetAsync($"/webdeployments/v1/deployments/{EmulatorDefaults.DeploymentId}/config.json"))).AsObject();
        foreach (var field in new[] { "id", "version", "languages", "defaultLanguage", "apiEndpoint", "messenger", "journeyEvents", "status", "auth" })
        {
            Assert.True(config.ContainsKey(field), $"config.json lacks {field}");
        }

        Assert.Equal("Active", config["status"]!.GetValue<string>());
        var conversations = config["messenger"]!["apps"]!["conversations"]!;
        Assert.StartsWith("ws://", conversations["messagingEndpoint"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ReadOnly", conversations["conversationDisconnect"]!["type"]!.GetValue<string>());
        Assert.NotNull(config["messenger"]!["styles"]!["primaryColor"]);
        Assert.NotNull(config["messenger"]!["launcherButton"]!["visibility"]);

        var disabled = (await Json.NodeAsync(await _emulator.Http.GetAsync($"/webdeployments/v1/deployments/{EmulatorDefaults.DisabledDeploymentId}/config.json"))).AsObject();
        Assert.Equal("Inactive", disabled["status"]!.GetValue<string>());
        await Json.AssertErrorAsync(await _emulator.Http.GetAsync($"/webdeployments/v1/deployments/{Guid.NewGuid()}/config.json"), 404, "not.found", "deploymentId");
    }

    private async Task<List<string>> ConversationsAsync(params string[] phases)
    {
        var list = (await Json.NodeAsync(await _emulator.Http.GetAsync("/emulator/conversations"))).AsArray();
        return [.. list.Where(c => phases.Length == 0 || phases.Contains(c!["phase"]!.GetValue<string>(), StringComparer.OrdinalIgnoreCase)).Select(c => c!["id"]!.GetValue<string>())];
    }

    private static async Task<ErrorResponse> AssertErrorAsync(MessengerGuest guest, int code, string golden)
    {
        var (raw, frame) = await guest.NextAsync();
        AssertShape(golden, raw);
        var error = Assert.IsType<ErrorResponse>(frame);
        Assert.Equal(code, error.Code);
        return error;
    }

    /// <summary>Every property of the golden frame is in the actual one with the same kind of value (the actual may say more).</summary>
    private static void AssertShape(string golden, JsonNode actual, IReadOnlyCollection<string>? except = null)
    {
        var missing = Paths(JsonNode.Parse(golden)!, "").Where(p => except?.Contains(p.Path) != true).Except(Paths(actual, "")).ToList();
        Assert.True(missing.Count == 0, $"Missing or of another kind: {string.Join(", ", missing)} in {actual.ToJsonString()}");
    }

    private static IEnumerable<(string Path, JsonValueKind Kind)> Paths(JsonNode node, string at)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, value) in obj)
            {
                var path = at.Length == 0 ? name : $"{at}.{name}";
                if (value is null)
                {
                    continue;
                }

                yield return (path, value.GetValueKind());
                foreach (var inner in Paths(value, path))
                {
                    yield return inner;
                }
            }
        }
        else if (node is JsonArray array && array.Count > 0 && array[0] is { } first)
        {
            foreach (var inner in Paths(first, at + "[]"))
            {
                yield return inner;
            }
        }
    }

    /// <summary>Golden frames: the shapes Genesys's transport SDK's unit tests expect from the server (values are the fixtures', only the shape is compared).</summary>
    private static class Golden
    {
        public const string OutboundText = """{"type":"message","class":"StructuredMessage","code":200,"body":{"direction":"Outbound","id":"msg_id","channel":{"time":"some_time","type":"Private"},"type":"Text","text":"Hi","originatingEntity":"Human"}}""";
        public const string TypingOn = """{"eventType": "Typing","typing": {"type": "On","duration": 5000}}""";
        public const string PresenceJoin = """{"eventType":"Presence","presence":{"type":"Join"}}""";
        public const string PresenceDisconnect = """{"eventType":"Presence","presence":{"type":"Disconnect"}}""";
        public const string Echo = """{"type":"response","class":"StructuredMessage","code":200,"body":{"text":"ping","type":"Text","direction":"Inbound","id":"echo_id"}, "tracingId":"SGVhbHRoQ2hlY2tNZXNzYWdlSWQ=" }""";
        public const string Jwt = """{"type":"response","class":"JwtResponse","code":200,"body":{"jwt":"some_jwt","exp":333}}""";
        public const string TooManyRequests = """{"type":"response","class":"TooManyRequestsErrorMessage","code":429,"body":{"retryAfter":3,"errorCode":4029,"errorMessage":"Message rate too high for this session"}}""";
        public const string SessionNotFound = """{"type": "response","class": "string","code": 4007,"body": "session not found error message"}""";
        public const string RequestFailed = """{"type":"response","class":"string","code":400,"body":"Request failed."}""";
        public const string MessageTooLong = """{"type": "response","class": "string","code": 4011,"body": "message too long"}""";
        public const string CustomAttributesTooLarge = """{"type":"response","class":"string","code":4013,"body":"Custom Attributes in channel metadata is larger than 2048 bytes"}""";
        public const string ConnectionClosed = """{"type":"message","class":"ConnectionClosedEvent","code":200,"body":{}}""";
    }
}
