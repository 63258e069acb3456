using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace GuestChat.Host.Tests.Amqp;

/// <summary>The broker stopped and started again while chats run: the chats go on, and no command and no message event is lost.</summary>
public sealed class AmqpOutageTests(AmqpServiceFixture service) : IClassFixture<AmqpServiceFixture>
{
    private const int Chats = 5;

    [Fact]
    public async Task A_broker_outage_loses_no_command_and_no_message_event()
    {
        var events = await service.BindEventsAsync("chat.message", durable: true);
        var keys = Enumerable.Range(1, Chats).Select(i => $"outage-{i}").ToList();
        foreach (var key in keys)
        {
            await service.StartActiveChatAsync(key);
            await service.PublishAsync("chat.send", key, $"{key}-before", $$"""{"body":"{{key}} before"}""");
        }

        await Eventually.TrueAsync(async () => (await Task.WhenAll(keys.Select(AtGenesys))).All(t => t.Any(e => e["body"]?.GetValue<string>()?.EndsWith("before", StringComparison.Ordinal) == true)), "the first sends at Genesys");

        // The broker goes away; the chats do not: the agents speak meanwhile.
        await service.Broker.PauseAsync();
        using var emulator = new HttpClient { BaseAddress = service.EmulatorUrl };
        foreach (var key in keys)
        {
            (await emulator.PostAsJsonAsync($"/emulator/conversations/{await ConversationId(key)}/agent/messages", new { body = $"{key} while the broker was away" })).EnsureSuccessStatusCode();
        }

        foreach (var key in keys)
        {
            var chat = (await service.Http.GetFromJsonAsync<JsonObject>($"/chats/{key}"))!;
            Assert.Equal("Active", chat["state"]!.GetValue<string>());
        }

        await service.Broker.ResumeAsync();
        await service.ReconnectAsync();
        foreach (var key in keys)
        {
            await service.PublishAsync("chat.send", key, $"{key}-after", $$"""{"body":"{{key}} after"}""");
        }

        // Every command had its effect once; every agent message reached the event exchange (repeats allowed).
        await Eventually.TrueAsync(async () => (await Task.WhenAll(keys.Select(AtGenesys))).All(t => t.Count(e => e["senderRole"]?.GetValue<string>() == "AGENT" && e["bodyType"]?.GetValue<string>() == "standard") >= 3),
            "the agents' answers to the sends after the outage", TimeSpan.FromSeconds(60));
        var published = new List<JsonNode>();
        foreach (var key in keys)
        {
            var atGenesys = await AtGenesys(key);
            Assert.Single(atGenesys, e => e["body"]?.GetValue<string>() == $"{key} before" && e["senderRole"]?.GetValue<string>() == "CUSTOMER");
            Assert.Single(atGenesys, e => e["body"]?.GetValue<string>() == $"{key} after" && e["senderRole"]?.GetValue<string>() == "CUSTOMER");
        }

        var agentMessages = new HashSet<string>();
        foreach (var key in keys)
        {
            agentMessages.UnionWith((await AtGenesys(key)).Where(e => e["senderRole"]?.GetValue<string>() == "AGENT" && e["bodyType"]?.GetValue<string>() == "standard").Select(e => e["id"]!.GetValue<string>()));
        }

        var seen = new HashSet<string>();
        await Eventually.TrueAsync(async () =>
        {
            foreach (var message in await service.TakeAsync(events, 0))
            {
                seen.Add(JsonNode.Parse(message.Body)!["messageId"]!.GetValue<string>());
            }

            return agentMessages.IsSubsetOf(seen);
        }, "every agent message published", TimeSpan.FromSeconds(60));
    }

    private async Task<string> ConversationId(string key) =>
        (await service.Http.GetFromJsonAsync<JsonObject>($"/chats/{key}"))!["conversationId"]!.GetValue<string>();

    private async Task<List<JsonNode>> AtGenesys(string key)
    {
        using var emulator = new HttpClient { BaseAddress = service.EmulatorUrl };
        return [.. (await emulator.GetFromJsonAsync<JsonObject>($"/emulator/conversations/{await ConversationId(key)}"))!["transcript"]!.AsArray().Select(l => l!)];
    }
}
