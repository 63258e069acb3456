using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace GuestChat.Host.Tests.Amqp;

/// <summary>Chats driven through the command queue of a real RabbitMQ node.</summary>
public sealed class AmqpCommandTests(AmqpServiceFixture service) : IClassFixture<AmqpServiceFixture>
{
    [Fact]
    public async Task A_whole_chat_is_driven_by_queue_messages_alone()
    {
        await service.StartActiveChatAsync("q-whole");
        await service.PublishAsync("chat.typing", "q-whole", "q-whole-typing", "");
        await service.PublishAsync("chat.send", "q-whole", "q-whole-1", """{"body":"hello from the queue"}""");
        await service.PublishAsync("chat.send", "q-whole", "q-whole-2", """{"body":"and again"}""");
        await Eventually.TrueAsync(async () => (await Transcript("q-whole")).Count(l => l["body"]!.GetValue<string>() == "and again") == 2, "both messages and the agent's echo of the second");
        await service.PublishAsync("chat.end", "q-whole", "q-whole-end", "{}");
        await service.WaitForStateAsync("q-whole", "Ended");
        Assert.Equal("connected", (await service.Http.GetFromJsonAsync<JsonObject>("/healthz"))!["amqp"]!.GetValue<string>());
        var metrics = await service.Http.GetStringAsync("/metrics");
        Assert.Matches(@"guestchat_amqp_commands_acked_total [1-9]", metrics);
        Assert.Matches(@"guestchat_amqp_events_published_total [1-9]", metrics);

        // In the order queued, each once at Genesys.
        var mine = (await AtGenesys("q-whole")).Where(e => e["senderRole"]?.GetValue<string>() == "CUSTOMER" && e["bodyType"]!.GetValue<string>() == "standard").Select(e => e["body"]!.GetValue<string>()).ToList();
        Assert.Equal(["hello from the queue", "and again"], mine);
    }

    [Fact]
    public async Task A_chats_events_are_published_in_order_with_the_feeds_shapes_and_its_messages_numbered()
    {
        var all = await service.BindEventsAsync("chat.#");
        var messagesOnly = await service.BindEventsAsync("chat.message");
        await service.StartActiveChatAsync("q-events");
        await service.PublishAsync("chat.send", "q-events", "q-events-1", """{"body":"echo me"}""");
        await service.PublishAsync("chat.send", "q-events", "q-events-2", """{"body":"and me"}""");
        await Eventually.TrueAsync(async () => (await Transcript("q-events")).Count(l => l["body"]!.GetValue<string>() == "and me") == 2, "the agent's echoes");
        await service.PublishAsync("chat.end", "q-events", "q-events-end", "");

        var events = (await service.TakeAsync(all, 1, until: e => e.Any(m => m.Properties.Type == "ended" && Key(m) == "q-events")))
            .Where(m => Key(m) == "q-events").ToList();
        // In the order the chat told them: created, then started, Active once an agent joined, the messages, Ended, then the end.
        var names = events.Select(m => m.Properties.Type == "state" ? "state:" + JsonNode.Parse(m.Body)!["state"]!.GetValue<string>() : m.Properties.Type).ToList();
        var order = string.Join(",", names);
        Assert.True(names.IndexOf("state:Creating") < names.IndexOf("started"), order);
        Assert.True(names.IndexOf("started") < names.IndexOf("state:Active"), order);
        Assert.True(names.IndexOf("state:Active") < names.IndexOf("message"), order);
        Assert.True(names.LastIndexOf("message") < names.IndexOf("state:Ended"), order);
        Assert.True(names[^1] == "ended" && names[^2] == "state:Ended", order);
        Assert.Contains("member", names);

        // The agent's echoes, each once, in the order the chat told them (their sequence), with the sender the feed shows.
        var messages = events.Where(m => m.Properties.Type == "message").Select(m => JsonNode.Parse(m.Body)!).ToList();
        Assert.Equal(["and me", "echo me"], messages.Select(m => m["body"]!.GetValue<string>()).Where(b => b is "echo me" or "and me").Order());
        Assert.All(messages, m => Assert.Equal("q-events", m["key"]!.GetValue<string>()));
        Assert.Equal(messages.Select(m => m["sequence"]!.GetValue<long>()).Order(), messages.Select(m => m["sequence"]!.GetValue<long>()));
        Assert.Equal(messages.Count, messages.Select(m => m["messageId"]!.GetValue<string>()).Distinct().Count());
        Assert.Contains(messages, m => m["sender"]!["role"]!.GetValue<string>() == "AGENT");
        Assert.Equal("GuestLeft", JsonNode.Parse(events[^1].Body)!["reason"]!.GetValue<string>());

        // Every event as published is valid under its schema in docs/schemas.
        foreach (var published in events)
        {
            ContractSchemas.AssertValid($"event.{published.Properties.Type}.schema.json", published.Body);
        }

        // A consumer of chat.message gets the messages alone.
        var onlyMessages = (await service.TakeAsync(messagesOnly, messages.Count)).Where(m => Key(m) == "q-events").ToList();
        Assert.All(onlyMessages, m => Assert.Equal("message", m.Properties.Type));
        Assert.Equal(messages.Count, onlyMessages.Count);
    }

    private static string Key((RabbitMQ.Client.IReadOnlyBasicProperties Properties, string Body) message) =>
        Encoding.UTF8.GetString((byte[])message.Properties.Headers!["x-chat-key"]!);

    [Fact]
    public async Task A_send_delivered_twice_with_one_message_id_is_posted_once()
    {
        await service.StartActiveChatAsync("q-twice");
        await service.PublishAsync("chat.send", "q-twice", "q-twice-1", """{"body":"only once"}""");
        await service.PublishAsync("chat.send", "q-twice", "q-twice-1", """{"body":"only once"}""");
        await service.PublishAsync("chat.send", "q-twice", "q-twice-2", """{"body":"the next one"}""");
        await Eventually.TrueAsync(async () => (await AtGenesys("q-twice")).Any(e => e["body"]?.GetValue<string>() == "the next one"), "the next message at Genesys");

        Assert.Single(await AtGenesys("q-twice"), e => e["body"]?.GetValue<string>() == "only once" && e["senderRole"]?.GetValue<string>() == "CUSTOMER");
    }

    [Fact]
    public async Task Bad_commands_are_dead_lettered_with_their_reason_while_good_ones_go_through()
    {
        await service.StartActiveChatAsync("q-bad");
        await service.StartActiveChatAsync("q-bad-ended");
        await service.PublishAsync("chat.end", "q-bad-ended", "q-bad-ended-end", "");
        await service.WaitForStateAsync("q-bad-ended", "Ended");
        var tooLong = new string('x', 4001);
        (string? Type, string? Key, string? Id, string Body, string? ContentType, string Code, string? Field)[] bad =
        [
            (null, "q-bad", "bad-1", """{"body":"x"}""", "application/json", "missing.value", "type"),
            ("chat.shout", "q-bad", "bad-2", """{"body":"x"}""", "application/json", "invalid.value", "type"),
            ("chat.send", "q-bad", null, """{"body":"x"}""", "application/json", "missing.value", "message_id"),
            ("chat.send", null, "bad-4", """{"body":"x"}""", "application/json", "missing.value", "x-chat-key"),
            ("chat.send", "not a key!", "bad-5", """{"body":"x"}""", "application/json", "invalid.value", "x-chat-key"),
            ("chat.send", "q-bad", "bad-6", "this is not json", "application/json", "bad.request", null),
            ("chat.send", "q-bad", "bad-7", """{"body":"x","colour":"red"}""", "application/json", "invalid.value", "colour"),
            ("chat.send", "q-bad", "bad-8", """{"body":42}""", "application/json", "invalid.value", "body"),
            ("chat.send", "q-bad", "bad-9", "{}", "application/json", "missing.value", "body"),
            ("chat.send", "q-bad", "bad-10", $$"""{"body":"{{tooLong}}"}""", "application/json", "invalid.value", "body"),
            ("chat.send", "q-bad", "bad-11", """{"body":"x"}""", "text/plain", "unsupported.media.type", null),
            ("chat.send", "q-bad", "bad-12", """{"body":"x","clientMessageId":"other"}""", "application/json", "invalid.value", "clientMessageId"),
            ("chat.send", "q-nobody-has-this", "bad-13", """{"body":"x"}""", "application/json", "chat.not.found", "key"),
            ("chat.send", "q-bad-ended", "bad-14", """{"body":"x"}""", "application/json", "chat.ended", "key"),
            ("chat.start", "q-bad", "bad-15", """{"memberInfo":{"displayName":"Again"}}""", "application/json", "chat.exists", "key"),
            ("chat.start", "q-bad-2", "bad-16", """{"key":"q-other"}""", "application/json", "invalid.value", "key"),
            ("chat.media-answer", "q-bad", "bad-17", """{"decision":"accept"}""", "application/json", "missing.value", "mediaRequestId"),
            ("chat.media-answer", "q-bad", "bad-18", """{"mediaRequestId":"m-1"}""", "application/json", "missing.value", "decision"),
            ("chat.media-answer", "q-bad", "bad-19", """{"mediaRequestId":"m-1","decision":"maybe"}""", "application/json", "invalid.value", "decision"),
            ("chat.media-answer", "q-bad", "bad-20", """{"mediaRequestId":"m-unknown","decision":"accept"}""", "application/json", "not.found", "mediaRequestId"),
            ("chat.typing", "q-bad", "bad-21", "[1,2", "application/json", "bad.request", null),
        ];
        foreach (var (type, key, id, body, contentType, _, _) in bad)
        {
            await service.PublishAsync(type, key, id, body, contentType, checkSchema: false);
            await service.PublishAsync("chat.send", "q-bad", $"good-after-{id ?? "none"}-{type}", $$"""{"body":"good after {{id}}"}""");
        }

        var dead = await service.TakeAsync("guestchat.dead-letters", bad.Length);
        Assert.Equal(bad.Length, dead.Count);
        foreach (var (type, key, id, body, _, code, field) in bad)
        {
            var deadLetter = dead.SingleOrDefault(d => d.Properties.MessageId == id && d.Body == body);
            if (deadLetter.Properties is not null)
            {
                ContractSchemas.AssertValid("error.schema.json", Encoding.UTF8.GetString((byte[])deadLetter.Properties.Headers!["x-guestchat-error"]!));
            }

            var letter = dead.SingleOrDefault(d => d.Properties.MessageId == id && d.Body == body);
            Assert.True(letter.Properties is not null, $"{id} ({code}) dead-lettered");
            var error = JsonNode.Parse(Encoding.UTF8.GetString((byte[])letter.Properties.Headers!["x-guestchat-error"]!))!;
            Assert.Equal(code, error["code"]!.GetValue<string>());
            Assert.Equal(code, Encoding.UTF8.GetString((byte[])letter.Properties.Headers!["x-guestchat-error-code"]!));
            Assert.Equal(field, error["details"]?[0]?["fieldName"]?.GetValue<string>());
            Assert.Equal(type, letter.Properties.Type);
        }

        // Every good command went through, in order, and the chat is unharmed.
        await Eventually.TrueAsync(async () => (await AtGenesys("q-bad")).Count(e => e["body"]?.GetValue<string>()?.StartsWith("good after", StringComparison.Ordinal) == true && e["senderRole"]?.GetValue<string>() == "CUSTOMER") == bad.Length,
            "every good message at Genesys");
        var chat = (await service.Http.GetFromJsonAsync<JsonObject>("/chats/q-bad"))!;
        Assert.Equal("Active", chat["state"]!.GetValue<string>());
    }

    private async Task<List<JsonNode>> Transcript(string key) =>
        [.. (await service.Http.GetFromJsonAsync<JsonObject>($"/chats/{key}"))!["transcript"]!.AsArray().Select(l => l!)];

    private async Task<List<JsonNode>> AtGenesys(string key)
    {
        var conversationId = (await service.Http.GetFromJsonAsync<JsonObject>($"/chats/{key}"))!["conversationId"]!.GetValue<string>();
        using var emulator = new HttpClient { BaseAddress = service.EmulatorUrl };
        return [.. (await emulator.GetFromJsonAsync<JsonObject>($"/emulator/conversations/{conversationId}"))!["transcript"]!.AsArray().Select(l => l!)];
    }
}
