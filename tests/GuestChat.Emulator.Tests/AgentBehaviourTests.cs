using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using GuestChat.Client;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Control;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Tests.Support;

namespace GuestChat.Emulator.Tests;

public sealed class AgentBehaviourTests
{
    [Fact]
    public async Task A_transfer_disconnects_the_agent_keeps_the_guest_and_connects_the_next_agent()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync();
        var first = await guest.WaitForAgentAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await guest.ControlAsync(HttpMethod.Post, "/agent/transfer")).StatusCode);
        await guest.WaitForMemberStateAsync(first, "DISCONNECTED");
        var second = await guest.WaitForAgentAsync(nth: 2);
        await guest.WaitForMemberStateAsync(second, "ALERTING");

        Assert.NotEqual(first, second);
        Assert.DoesNotContain(guest.Frames, f => TestGuest.IsMemberChange(f, guest.MemberId, "DISCONNECTED"));
        var agent = await Json.ReadAsync(await guest.SendAsync(HttpMethod.Get, $"/members/{second}"), Json.Wire.WebChatMemberInfo);
        Assert.Equal("Bob Agent", agent.DisplayName);
        using var posted = await guest.PostMessageAsync("still here");
        var replies = await guest.WaitForCountAsync(f => TestGuest.IsMessage(f, "still here"), 2, "echo from the new agent");
        Assert.Equal(second, TestGuest.SenderOf(replies[1]));
        Assert.Equal(1, emulator.Emulator.Counters[EmulatorCounter.Transfers]);
    }

    [Fact]
    public async Task The_agent_ending_the_chat_disconnects_both_and_closes_the_socket()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync();
        var agent = await guest.WaitForAgentAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await guest.ControlAsync(HttpMethod.Post, "/agent/end")).StatusCode);
        await guest.WaitForMemberStateAsync(agent, "DISCONNECTED");
        await guest.WaitForMemberStateAsync(guest.MemberId, "DISCONNECTED");
        await guest.WaitForSocketEndAsync();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, guest.CloseStatus);
        Assert.Equal(ChatEndReason.AgentEnded, emulator.Emulator.Conversation(guest.ConversationId)!.EndReason);
        await Json.AssertErrorAsync(await guest.PostMessageAsync("hello?"), 400, ErrorCodes.ConversationState);
    }

    [Fact]
    public async Task The_agent_can_be_made_to_speak_and_type_through_the_control_api()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName);
        var agent = await guest.WaitForAgentAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await guest.ControlAsync(HttpMethod.Post, "/agent/typing")).StatusCode);
        var sent = await guest.ControlAsync(HttpMethod.Post, "/agent/messages", new { body = "How can I help?" });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);

        await guest.WaitForFrameAsync(f => TestGuest.Type(f) == "typing-indicator" && TestGuest.SenderOf(f) == agent, "agent typing");
        var message = await guest.WaitForFrameAsync(f => TestGuest.IsMessage(f, "How can I help?"), "agent message");
        Assert.Equal(agent, TestGuest.SenderOf(message));
        var transcript = emulator.Emulator.Conversation(guest.ConversationId)!.Transcript!;
        Assert.Contains(transcript, e => e.Body == "How can I help?" && e.SenderRole == Client.Models.MemberRole.Agent && e.SenderName == "Hank Agent");
    }

    [Fact]
    public async Task Agents_of_many_chats_speak_in_turn_at_the_rate_asked_from_one_control_request()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var guests = new List<TestGuest>();
        for (var i = 0; i < 3; i++)
        {
            guests.Add(await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName));
            await guests[i].WaitForAgentAsync();
        }

        try
        {
            using var spoke = await emulator.Http.PostAsJsonAsync("/emulator/agents/messages", new
            {
                conversationIds = guests.Select(g => g.ConversationId).ToArray(),
                count = 30,
                messagesPerSecond = 100,
                bodyPrefix = "turn ",
            });
            Assert.Equal(HttpStatusCode.OK, spoke.StatusCode);
            var answer = JsonNode.Parse(await spoke.Content.ReadAsStringAsync())!;
            Assert.Equal(30, answer["sent"]!.GetValue<int>());
            Assert.Equal(0, answer["refused"]!.GetValue<int>());
            // Paced, not a burst: the 30th message is due 0.29 s after the first.
            Assert.InRange(answer["seconds"]!.GetValue<double>(), 0.28, 10);

            for (var i = 0; i < guests.Count; i++)
            {
                var said = await guests[i].WaitForCountAsync(f => TestGuest.Body(f)?["body"]?.GetValue<string>()?.StartsWith("turn ", StringComparison.Ordinal) == true, 10, "agent messages");
                // Message n went to chat n modulo 3, in order.
                Assert.Equal(Enumerable.Range(0, 10).Select(k => $"turn {(k * 3) + i}"), said.Select(f => TestGuest.Body(f)!["body"]!.GetValue<string>()));
            }
        }
        finally
        {
            foreach (var guest in guests)
            {
                await guest.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Agents_asked_to_speak_wrongly_are_refused_naming_the_field_and_a_chat_without_its_agent_counts_as_refused()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Timing.AgentAlertDelay = TimeSpan.FromHours(1));
        await using var guest = await emulator.GuestAsync();
        await guest.AttachAsync();
        var ids = new[] { guest.ConversationId };

        async Task<HttpResponseMessage> SpeakAsync(object body) => await emulator.Http.PostAsJsonAsync("/emulator/agents/messages", body);
        await Json.AssertErrorAsync(await SpeakAsync(new { count = 1, messagesPerSecond = 1 }), 400, ErrorCodes.InvalidValue, "conversationIds");
        await Json.AssertErrorAsync(await SpeakAsync(new { conversationIds = ids, count = 0, messagesPerSecond = 1 }), 400, ErrorCodes.InvalidValue, "count");
        await Json.AssertErrorAsync(await SpeakAsync(new { conversationIds = ids, count = 1, messagesPerSecond = 0 }), 400, ErrorCodes.InvalidValue, "messagesPerSecond");
        await Json.AssertErrorAsync(await SpeakAsync(new { conversationIds = ids, count = 1, messagesPerSecond = 1, bodyPrefix = new string('x', 3001) }), 400, ErrorCodes.InvalidValue, "bodyPrefix");
        await Json.AssertErrorAsync(await SpeakAsync(new { conversationIds = new[] { guest.ConversationId, Guid.NewGuid().ToString() }, count = 1, messagesPerSecond = 1 }), 404, ErrorCodes.NotFound, "conversationIds");
        // The ids of thousands of chats are more than the guest API's 64 KiB a body: read, and each one checked.
        var many = Enumerable.Range(0, 5000).Select(_ => Guid.NewGuid().ToString()).Prepend(guest.ConversationId).ToArray();
        await Json.AssertErrorAsync(await SpeakAsync(new { conversationIds = many, count = 1, messagesPerSecond = 1 }), 404, ErrorCodes.NotFound, "conversationIds");

        // No agent has answered this chat: its messages are refused, counted, and nothing is said.
        using var spoke = await SpeakAsync(new { conversationIds = ids, count = 2, messagesPerSecond = 1000 });
        var answer = JsonNode.Parse(await spoke.Content.ReadAsStringAsync())!;
        Assert.Equal((0, 2), (answer["sent"]!.GetValue<int>(), answer["refused"]!.GetValue<int>()));
        Assert.DoesNotContain(emulator.Emulator.Conversation(guest.ConversationId)!.Transcript!, e => e.Body is "m0" or "m1");
    }

    [Fact]
    public async Task When_asked_the_emulator_keeps_when_each_message_frame_left_it_with_more_than_millisecond_precision()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.RecordSendTimes = true);
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName);
        await guest.WaitForAgentAsync();
        var before = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await guest.ControlAsync(HttpMethod.Post, "/agent/messages", new { body = "timed" })).StatusCode);
        var frame = await guest.WaitForFrameAsync(f => TestGuest.IsMessage(f, "timed"), "agent message");
        var received = DateTimeOffset.UtcNow;

        var sent = JsonNode.Parse(await emulator.Http.GetStringAsync("/emulator/sent"))!.AsArray();
        var entry = Assert.Single(sent, e => e!["messageId"]!.GetValue<string>() == frame["eventBody"]!["id"]!.GetValue<string>())!;
        var sentAt = DateTimeOffset.UnixEpoch.AddTicks(entry["sentAtUnixMicroseconds"]!.GetValue<long>() * 10);
        Assert.InRange(sentAt, before, received);

        // Only messages are logged (not the member changes and typing of the same socket).
        Assert.All(sent, e => Assert.Contains(emulator.Emulator.Conversation(guest.ConversationId)!.Transcript!, t => t.Id == e!["messageId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Asked_for_send_times_it_does_not_keep_the_emulator_says_which_setting_keeps_them()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await Json.AssertErrorAsync(await emulator.Http.GetAsync("/emulator/sent"), 409, "emulator.sent.off", "Emulator:RecordSendTimes");
    }

    [Fact]
    public async Task Control_commands_without_a_connected_agent_or_for_an_unknown_chat_are_refused()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Timing.AgentAlertDelay = TimeSpan.FromHours(1));
        await using var guest = await emulator.GuestAsync();
        await guest.AttachAsync();

        await Json.AssertErrorAsync(await guest.ControlAsync(HttpMethod.Post, "/agent/messages", new { body = "x" }), 409, "chat.error.agent.state");
        await Json.AssertErrorAsync(await guest.ControlAsync(HttpMethod.Post, "/agent/messages", new { body = "" }), 400, ErrorCodes.InvalidValue, "body");
        using var unknown = await emulator.Http.PostAsJsonAsync($"/emulator/conversations/{Guid.NewGuid()}/agent/messages", new { body = "x" });
        await Json.AssertErrorAsync(unknown, 404, ErrorCodes.NotFound);
        await Json.AssertErrorAsync(await emulator.Http.GetAsync("/emulator/conversations?phase=Sleeping"), 400, ErrorCodes.InvalidValue, "phase");
        await Json.AssertErrorAsync(await emulator.Http.GetAsync("/emulator/conversations?createdSince=yesterday"), 400, ErrorCodes.InvalidValue, "createdSince");
    }

    [Fact]
    public async Task The_scripted_agent_greets_then_answers_from_its_script_in_order()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.ScriptedQueueName);
        await guest.WaitForFrameAsync(f => TestGuest.IsMessage(f, "Hi, this is Dana. How can I help?"), "greeting");
        await guest.PostMessageAsync("my order is late");
        await guest.WaitForFrameAsync(f => TestGuest.IsMessage(f, "Thanks, let me look into that."), "first scripted reply");
        await guest.PostMessageAsync("order 123");
        await guest.WaitForFrameAsync(f => TestGuest.IsMessage(f, "I see. One moment please."), "second scripted reply");
    }

    [Fact]
    public async Task The_short_queue_agent_ends_the_chat_after_three_exchanges()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.ShortQueueName);
        for (var i = 1; i <= 3; i++)
        {
            await guest.PostMessageAsync($"q{i}");
            await guest.WaitForCountAsync(f => TestGuest.IsMessage(f, $"q{i}"), 2, $"reply {i}");
        }

        await guest.WaitForMemberStateAsync(guest.MemberId, "DISCONNECTED");
        Assert.Equal(ChatEndReason.AgentEnded, emulator.Emulator.Conversation(guest.ConversationId)!.EndReason);
    }

    [Fact]
    public async Task An_agent_told_to_end_when_idle_ends_a_silent_chat()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Queues.ForEach(q => q.Agent.EndWhenIdle = TimeSpan.FromMilliseconds(300)));
        await using var guest = await emulator.ConnectedGuestAsync();
        await guest.WaitForMemberStateAsync(guest.MemberId, "DISCONNECTED");
        Assert.Equal(ChatEndReason.AgentEnded, emulator.Emulator.Conversation(guest.ConversationId)!.EndReason);
    }

    [Fact]
    public async Task Messages_sent_while_queued_are_answered_once_the_agent_connects()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Timing.AgentAlertDelay = TimeSpan.FromMilliseconds(400));
        await using var guest = await emulator.GuestAsync();
        await guest.AttachAsync();
        await guest.WaitForMemberStateAsync(guest.MemberId, "CONNECTED");
        Assert.Equal(HttpStatusCode.OK, (await guest.PostMessageAsync("anyone there?")).StatusCode);

        var agent = await guest.WaitForAgentAsync();
        var replies = await guest.WaitForCountAsync(f => TestGuest.IsMessage(f, "anyone there?"), 2, "late reply");
        Assert.Equal(agent, TestGuest.SenderOf(replies[1]));
    }

    [Fact]
    public async Task The_control_api_lists_chats_by_phase_and_shows_a_transcript_and_counters()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var active = await emulator.ConnectedGuestAsync();
        await using var waiting = await emulator.GuestAsync();

        var list = JsonNode.Parse(await emulator.Http.GetStringAsync("/emulator/conversations?phase=Active"))!.AsArray();
        Assert.Equal([active.ConversationId], list.Select(c => c!["id"]!.GetValue<string>()));
        var detail = JsonNode.Parse(await emulator.Http.GetStringAsync($"/emulator/conversations/{active.ConversationId}"))!;
        Assert.Equal("Active", detail["phase"]!.GetValue<string>());
        Assert.Contains(detail["transcript"]!.AsArray(), e => e!["bodyType"]!.GetValue<string>() == "member-join");
        var counters = JsonNode.Parse(await emulator.Http.GetStringAsync("/emulator/counters"))!;
        Assert.Equal(2, counters["chatsCreated"]!.GetValue<long>());
        Assert.Equal(1, counters["socketsOpen"]!.GetValue<long>());
        var info = JsonNode.Parse(await emulator.Http.GetStringAsync("/emulator"))!;
        Assert.Equal(EmulatorDefaults.OrganizationId, info["organizationId"]!.GetValue<string>());
        Assert.Equal(emulator.Emulator.BaseUrl.ToString().TrimEnd('/'), info["apiBaseUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_control_api_lists_only_the_chats_created_since_a_time_when_asked()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var earlier = await emulator.GuestAsync();
        // Just after the earlier chat's own creation time: it is left out, whatever the clock's resolution.
        var since = emulator.Emulator.Conversation(earlier.ConversationId)!.CreatedAt.AddTicks(1);
        await using var later = await emulator.GuestAsync();

        var list = JsonNode.Parse(await emulator.Http.GetStringAsync($"/emulator/conversations?createdSince={Uri.EscapeDataString(since.ToString("O"))}"))!.AsArray();
        Assert.Equal([later.ConversationId], list.Select(c => c!["id"]!.GetValue<string>()));
        await using var control = EmulatorControlClient.For(emulator.Emulator.BaseUrl, emulator.Emulator.ChatDefaults);
        foreach (var reader in new IRunningEmulator[] { control, emulator.Emulator })
        {
            Assert.Equal([later.ConversationId], await reader.ConversationIdsAsync(since, CancellationToken.None));
            Assert.Equal(2, (await reader.ConversationIdsAsync(null, CancellationToken.None)).Count);
        }
    }

    [Fact]
    public async Task Dropping_a_chats_sockets_through_the_control_api_cuts_them_without_a_close()
    {
        await using var emulator = await TestEmulator.StartAsync();
        // Many chats: a drop that let the socket's send loop write its close frame first was seen as a
        // normal close by a guest now and then, not as the lost connection a drop stands for.
        for (var round = 0; round < 25; round++)
        {
            await using var guest = await emulator.ConnectedGuestAsync();
            var dropped = JsonNode.Parse(await (await guest.ControlAsync(HttpMethod.Post, "/sockets/drop")).Content.ReadAsStringAsync())!;
            Assert.Equal(1, dropped["dropped"]!.GetValue<int>());
            await guest.WaitForSocketEndAsync();
            Assert.True(guest.CloseStatus is null, $"chat {round}: the drop was seen as a close ({guest.CloseStatus})");
        }
    }
}
