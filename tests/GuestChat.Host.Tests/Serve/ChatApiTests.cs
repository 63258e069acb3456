using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GuestChat.Host.Tests.Serve;

/// <summary>The HTTP API as an integrator drives it: real HTTP to the service, which drives real chats on its embedded emulator.</summary>
public sealed class ChatApiTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task A_chat_is_created_driven_and_ended_over_http_and_its_events_stream_until_its_end()
    {
        var created = await service.PostAsync("/chats", """{"key":"api-flow","memberInfo":{"displayName":"Ann","customFields":{"order":"42"}}}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/chats/api-flow", created.Headers.Location?.OriginalString);
        var body = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("api-flow", body["key"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["conversationId"]!.GetValue<string>()));

        using var events = await service.OpenEventsAsync("/chats/api-flow/events");
        await events.NextAsync("state", e => e["state"]!.GetValue<string>() == "Active");
        var active = await service.WaitForStateAsync("api-flow", "Active");
        Assert.Contains(active["members"]!.AsArray(), m => m!["role"]!.GetValue<string>() == "AGENT" && m["state"]!.GetValue<string>() == "CONNECTED");

        Assert.Equal(HttpStatusCode.Accepted, (await service.Http.PostAsync("/chats/api-flow/typing", null)).StatusCode);
        var sent = await service.PostAsync("/chats/api-flow/messages", """{"body":"Where is my parcel?","clientMessageId":"c-1"}""");
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var accepted = (await sent.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("c-1", accepted["clientMessageId"]!.GetValue<string>());

        var reply = await events.NextAsync("message");
        Assert.Equal("AGENT", reply["sender"]!["role"]!.GetValue<string>());
        Assert.Contains("Where is my parcel?", reply["body"]!.GetValue<string>(), StringComparison.Ordinal);

        // DELETE answers once the chat is over, not before.
        var left = await service.Http.DeleteAsync("/chats/api-flow");
        Assert.Equal(HttpStatusCode.OK, left.StatusCode);
        Assert.Equal("ended", (await left.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        Assert.Equal("Ended", (await service.Http.GetFromJsonAsync<JsonObject>("/chats/api-flow"))!["state"]!.GetValue<string>());
        var ended = await events.NextAsync("ended");
        Assert.Equal("GuestLeft", ended["reason"]!.GetValue<string>());
        await events.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        var chat = await service.WaitForStateAsync("api-flow", "Ended");
        Assert.Equal("GuestLeft", chat["endReason"]!.GetValue<string>());
        var transcript = chat["transcript"]!.AsArray();
        Assert.Contains(transcript, l => l!["messageId"]!.GetValue<string>() == accepted["messageId"]!.GetValue<string>() && l["senderRole"]!.GetValue<string>() == "CUSTOMER");
        Assert.Contains(transcript, l => l!["messageId"]!.GetValue<string>() == reply["messageId"]!.GetValue<string>());

        var again = await service.Http.DeleteAsync("/chats/api-flow");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("chat.ended", (await Error(again))["code"]!.GetValue<string>());
        var late = await service.PostAsync("/chats/api-flow/messages", """{"body":"hello?"}""");
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task A_reader_that_reconnects_with_last_event_id_gets_every_message_it_missed_once_then_the_live_ones()
    {
        var chat = await service.CreateActiveChatAsync("api-replay");
        var conversationId = chat["conversationId"]!.GetValue<string>();
        using var emulator = new HttpClient { BaseAddress = service.EmulatorUrl };
        long seen;
        using (var events = await service.OpenEventsAsync("/chats/api-replay/events"))
        {
            Assert.Equal(HttpStatusCode.Created, (await service.PostAsync("/chats/api-replay/messages", """{"body":"one"}""")).StatusCode);
            seen = (await events.NextAsync("message", m => m["body"]!.GetValue<string>().Contains("one", StringComparison.Ordinal)))["sequence"]!.GetValue<long>();
            Assert.True(seen > 0);
        }

        // The reader is gone; the agent speaks twice.
        foreach (var body in new[] { "while you were away 1", "while you were away 2" })
        {
            (await emulator.PostAsJsonAsync($"/emulator/conversations/{conversationId}/agent/messages", new { body })).EnsureSuccessStatusCode();
        }

        await Eventually.TrueAsync(async () => (await service.Http.GetStringAsync("/chats/api-replay")).Contains("while you were away 2", StringComparison.Ordinal), "the agent's messages in the service");
        using var again = await service.OpenEventsAsync("/chats/api-replay/events", lastEventId: seen);
        var first = await again.NextAsync("message");
        var second = await again.NextAsync("message");
        Assert.Equal(["while you were away 1", "while you were away 2"], new[] { first, second }.Select(m => m["body"]!.GetValue<string>()));
        Assert.True(first["sequence"]!.GetValue<long>() > seen && second["sequence"]!.GetValue<long>() > first["sequence"]!.GetValue<long>());

        // Then the live ones, and nothing of before twice.
        Assert.Equal(HttpStatusCode.Created, (await service.PostAsync("/chats/api-replay/messages", """{"body":"three"}""")).StatusCode);
        var live = await again.NextAsync("message");
        Assert.Contains("three", live["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(live["sequence"]!.GetValue<long>() > second["sequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_reader_of_every_chat_that_reconnects_with_last_event_id_gets_the_messages_it_missed_in_all_chats_once()
    {
        var one = (await service.CreateActiveChatAsync("api-all-replay-1"))["conversationId"]!.GetValue<string>();
        var two = (await service.CreateActiveChatAsync("api-all-replay-2"))["conversationId"]!.GetValue<string>();
        using var emulator = new HttpClient { BaseAddress = service.EmulatorUrl };
        long seen;
        using (var events = await service.OpenEventsAsync("/events"))
        {
            Assert.Equal(HttpStatusCode.Created, (await service.PostAsync("/chats/api-all-replay-1/messages", """{"body":"before"}""")).StatusCode);
            await events.NextAsync("message", m => m["key"]!.GetValue<string>() == "api-all-replay-1" && m["body"]!.GetValue<string>().Contains("before", StringComparison.Ordinal));
            seen = events.LastId ?? throw new InvalidOperationException("no id on the message events of /events");
        }

        // The reader is gone; agents speak in both chats.
        foreach (var (conversationId, body) in new[] { (one, "away in one"), (two, "away in two"), (one, "away in one again") })
        {
            (await emulator.PostAsJsonAsync($"/emulator/conversations/{conversationId}/agent/messages", new { body })).EnsureSuccessStatusCode();
        }

        await Eventually.TrueAsync(async () => (await service.Http.GetStringAsync("/chats/api-all-replay-1")).Contains("away in one again", StringComparison.Ordinal), "the agent's messages in the service");
        using var again = await service.OpenEventsAsync("/events", lastEventId: seen);
        var missed = new List<JsonObject>();
        for (var i = 0; i < 3; i++)
        {
            missed.Add(await again.NextAsync("message", m => m["body"]!.GetValue<string>().StartsWith("away", StringComparison.Ordinal)));
        }

        // Each once; in each chat in the order said (two chats' sockets carry no order between them).
        Assert.Equal(["away in one", "away in one again", "away in two"], missed.Select(m => m["body"]!.GetValue<string>()).Order());
        Assert.Equal(["away in one", "away in one again"], missed.Where(m => m["key"]!.GetValue<string>() == "api-all-replay-1").Select(m => m["body"]!.GetValue<string>()));
        Assert.Equal(["away in two"], missed.Where(m => m["key"]!.GetValue<string>() == "api-all-replay-2").Select(m => m["body"]!.GetValue<string>()));
        Assert.Equal("AGENT", missed[0]["sender"]!["role"]!.GetValue<string>());
        Assert.True(again.LastId > seen);

        // Then the live ones; the message seen before the reconnect is not told again.
        Assert.Equal(HttpStatusCode.Created, (await service.PostAsync("/chats/api-all-replay-2/messages", """{"body":"live"}""")).StatusCode);
        await again.NextAsync("message", m => m["key"]!.GetValue<string>() == "api-all-replay-2" && m["body"]!.GetValue<string>().Contains("live", StringComparison.Ordinal));
        Assert.DoesNotContain(again.Drain("message"), m => m["body"]!.GetValue<string>().Contains("before", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_agents_media_request_is_streamed_and_answered_over_http()
    {
        var chat = await service.CreateActiveChatAsync("api-media");
        var conversationId = chat["conversationId"]!.GetValue<string>();
        using var events = await service.OpenEventsAsync("/chats/api-media/events");
        using var emulator = new HttpClient { BaseAddress = service.EmulatorUrl };

        var raised = await emulator.PostAsync($"/emulator/conversations/{conversationId}/agent/mediarequests", null);
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        var request = await events.NextAsync("mediaRequest");
        var mediaRequestId = request["request"]!["id"]!.GetValue<string>();

        // The answer is the command's own: 200 once Genesys took it, so the emulator shows it at once.
        var answer = await service.PostAsync($"/chats/api-media/media-requests/{mediaRequestId}", """{"decision":"accept"}""");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var snapshot = await emulator.GetFromJsonAsync<JsonObject>($"/emulator/conversations/{conversationId}");
        Assert.Equal("ACCEPTED", snapshot!["mediaRequests"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == mediaRequestId)!["state"]!.GetValue<string>());

        // Answering it again is a conflict, and a media request the chat never had is not found; both name it.
        var again = await service.PostAsync($"/chats/api-media/media-requests/{mediaRequestId}", """{"decision":"decline"}""");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("mediaRequestId", (await Error(again))["details"]![0]!["fieldName"]!.GetValue<string>());
        var unknown = await service.PostAsync("/chats/api-media/media-requests/xyz", """{"decision":"accept"}""");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var error = await Error(unknown);
        Assert.Equal("mediaRequestId", error["details"]![0]!["fieldName"]!.GetValue<string>());
        Assert.Contains("xyz", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // The chat is unharmed: it still takes messages.
        Assert.Equal(HttpStatusCode.Created, (await service.PostAsync("/chats/api-media/messages", """{"body":"still here"}""")).StatusCode);
    }

    [Fact]
    public async Task The_all_events_stream_carries_every_chats_events_and_the_list_counts_them_by_state()
    {
        using var events = await service.OpenEventsAsync("/events");
        var created = await service.PostAsync("/chats", """{"key":"api-all-1","memberInfo":{"displayName":"One"}}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await service.PostAsync("/chats", """{"key":"api-all-2","memberInfo":{"displayName":"Two"}}""")).StatusCode);

        await events.NextAsync("started", e => e["key"]!.GetValue<string>() == "api-all-1");
        await events.NextAsync("state", e => e["key"]!.GetValue<string>() == "api-all-2" && e["state"]!.GetValue<string>() == "Active");

        var list = (await service.Http.GetFromJsonAsync<JsonObject>("/chats?state=active"))!;
        Assert.Contains(list["chats"]!.AsArray(), c => c!["key"]!.GetValue<string>() == "api-all-2");
        Assert.All(list["chats"]!.AsArray(), c => Assert.Equal("Active", c!["state"]!.GetValue<string>()));
        Assert.True(list["byState"]!["Active"]!.GetValue<int>() >= 1);
        Assert.True(list["total"]!.GetValue<int>() >= 2);
    }

    [Fact]
    public async Task A_chat_without_a_key_gets_one_and_the_target_settings_fill_in_deployment_and_queue()
    {
        var created = await service.PostAsync("/chats", """{"memberInfo":{"displayName":"Keyless"}}""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
        Assert.StartsWith("chat-", key, StringComparison.Ordinal);
        var chat = await service.WaitForStateAsync(key, "Active");
        Assert.Contains(chat["members"]!.AsArray(), m => m!["displayName"]?.GetValue<string>() == "Chat Queue");
    }

    [Fact]
    public async Task Metrics_count_chats_by_state_messages_and_the_agent_join_wait_in_prometheus_format()
    {
        await service.CreateActiveChatAsync("api-metrics");
        Assert.Equal(HttpStatusCode.Created, (await service.PostAsync("/chats/api-metrics/messages", """{"body":"counted"}""")).StatusCode);

        var metrics = await service.Http.GetStringAsync("/metrics");

        Assert.Matches(@"(?m)^guestchat_chats\{state=""Active""\} [1-9]", metrics);
        Assert.Matches(@"(?m)^guestchat_messages_sent_total [1-9]", metrics);
        Assert.Matches(@"(?m)^guestchat_agent_join_wait_seconds_count [1-9]", metrics);
        Assert.Matches(@"(?m)^guestchat_client_requests_total [1-9]", metrics);
        Assert.Contains("guestchat_client_throttled_total", metrics, StringComparison.Ordinal);
        Assert.Contains("guestchat_client_rate_limit 1000", metrics, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^guestchat_journal_bytes [1-9]", metrics);
        Assert.Contains("guestchat_client_waiting{lane=\"recovery\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains("guestchat_reconnects_total", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("api-metrics", metrics, StringComparison.Ordinal);
    }

    private static async Task<JsonObject> Error(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonObject>())!;
}
