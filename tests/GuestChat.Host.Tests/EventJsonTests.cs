using System.Text.Json;
using GuestChat.Client.Models;
using GuestChat.Host.Api;

namespace GuestChat.Host.Tests;

/// <summary>Events (server-sent and on the message queue) are written by a faster path than the API's answers, in exactly the same text.</summary>
public sealed class EventJsonTests
{
    private static readonly ChatViews.MemberView[] Members =
    [
        new("agent-1", MemberRole.Agent, "Ada \"the\" Agent ü", MemberState.Connected),
        new("guest-1", MemberRole.Customer, null, MemberState.Disconnected),
        new("someone", null, null, MemberState.Alerting),
        new("w/ \\ slash", MemberRole.Workflow, "", MemberState.Connected),
    ];

    [Fact]
    public void A_message_event_and_its_sender_read_as_the_api_writes_them()
    {
        foreach (var sender in Members)
        {
            Check(sender);
        }
    }

    private static void Check(ChatViews.MemberView sender)
    {
        var message = new EventViews.MessageView("chat-1", "m-1", sender, "Hello", BodyType.Standard, new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero), 7);

        Assert.Equal(JsonSerializer.Serialize(message, ApiJson.Options), JsonSerializer.Serialize(message, EventViews.Options));
        Assert.Equal(JsonSerializer.Serialize((object)message, ApiJson.Options), JsonSerializer.Serialize((object)message, EventViews.Options));
        Assert.Equal(JsonSerializer.Serialize(sender, ApiJson.Options), JsonSerializer.Serialize(sender, EventViews.Options));
    }
}
