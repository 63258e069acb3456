using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace GuestChat.Host.Tests.Amqp;

/// <summary>A service that holds one chat at most, so that a second start keeps failing in a way that might pass.</summary>
public sealed class AmqpCapacityFixture : AmqpServiceFixture
{
    protected override string[] ExtraSettings => ["--Conversations:MaxConversations=1"];
}

/// <summary>A command that keeps failing is not retried for ever: the broker dead-letters it after the delivery limit.</summary>
public sealed class AmqpPoisonTests(AmqpCapacityFixture service) : IClassFixture<AmqpCapacityFixture>
{
    [Fact]
    public async Task A_command_that_keeps_failing_is_dead_lettered_after_the_delivery_limit_and_nothing_else_suffers()
    {
        await service.StartActiveChatAsync("poison-held");

        // At capacity: a failure that might pass, so the command goes back to the queue, again and again.
        await service.PublishAsync("chat.start", "poison-2", "poison-start", """{"memberInfo":{"displayName":"One too many"}}""");
        var dead = (await service.TakeAsync("guestchat.dead-letters", 1, TimeSpan.FromSeconds(60))).Single();

        Assert.Equal("poison-start", dead.Properties.MessageId);
        Assert.Equal("delivery_limit", Encoding.UTF8.GetString((byte[])dead.Properties.Headers!["x-first-death-reason"]!));
        Assert.Matches(@"guestchat_amqp_commands_requeued_total [3-9]", await service.Http.GetStringAsync("/metrics"));

        // The chat the service holds is unharmed, and its commands still go through.
        await service.PublishAsync("chat.send", "poison-held", "poison-held-1", """{"body":"still here"}""");
        await Eventually.TrueAsync(async () => (await service.Http.GetFromJsonAsync<JsonObject>("/chats/poison-held"))!["transcript"]!.AsArray()
            .Any(l => l!["body"]!.GetValue<string>() == "still here"), "the held chat's message");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await service.Http.GetAsync("/chats/poison-2")).StatusCode);
    }
}
