using System.Net;
using System.Net.WebSockets;
using GuestChat.Client;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Tests.Support;

namespace GuestChat.Emulator.Tests;

public sealed class LifeCycleTests
{
    [Fact]
    public async Task Nothing_is_routed_until_the_socket_is_attached()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.GuestAsync();

        await Json.AssertErrorAsync(await guest.PostMessageAsync("too early"), 400, ErrorCodes.ConversationState);
        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Post, $"/members/{guest.MemberId}/typing"), 400, ErrorCodes.ConversationState);
        Assert.Equal(ChatPhase.Created, emulator.Emulator.Conversation(guest.ConversationId)!.Phase);

        await guest.AttachAsync();
        await guest.WaitForMemberStateAsync(guest.MemberId, "CONNECTED");
        using var posted = await guest.PostMessageAsync("now");
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
    }

    [Fact]
    public async Task Attaching_plays_guest_connected_then_queue_then_agent_alerting_connected_and_joined()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.GuestAsync();
        await guest.AttachAsync();
        var agentId = await guest.WaitForAgentAsync();

        var frames = guest.Frames.Where(f => !TestGuest.IsHeartbeat(f)).ToList();
        var members = (await Json.ReadAsync(await guest.SendAsync(HttpMethod.Get, "/members"), Json.Wire.WebChatMemberInfoEntityList)).Entities!;
        var acd = members.Single(m => m.Role == Client.Models.MemberRole.Acd);
        int IndexOf(Func<System.Text.Json.Nodes.JsonNode, bool> match) => frames.FindIndex(f => match(f));

        var guestConnected = IndexOf(f => TestGuest.IsMemberChange(f, guest.MemberId, "CONNECTED"));
        var acdConnected = IndexOf(f => TestGuest.IsMemberChange(f, acd.Id!, "CONNECTED"));
        var alerting = IndexOf(f => TestGuest.IsMemberChange(f, agentId, "ALERTING"));
        var connected = IndexOf(f => TestGuest.IsMemberChange(f, agentId, "CONNECTED"));
        var joined = IndexOf(f => TestGuest.Type(f) == "message" && TestGuest.SenderOf(f) == agentId && TestGuest.Body(f)!["bodyType"]!.GetValue<string>() == "member-join");
        var acdLeft = IndexOf(f => TestGuest.IsMemberChange(f, acd.Id!, "DISCONNECTED"));
        Assert.True(guestConnected >= 0 && guestConnected < acdConnected && acdConnected < alerting && alerting < connected && connected < joined && joined < acdLeft,
            $"order was {guestConnected}, {acdConnected}, {alerting}, {connected}, {joined}, {acdLeft}");

        var agent = members.Single(m => m.Id == agentId);
        Assert.Equal(Client.Models.MemberRole.Agent, agent.Role);
        Assert.Equal("Alice Agent", agent.DisplayName);
        Assert.Equal(ChatPhase.Active, emulator.Emulator.Conversation(guest.ConversationId)!.Phase);
    }

    [Fact]
    public async Task Frames_have_the_documented_shape()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync();
        await guest.PostMessageAsync("shape check");
        var message = await guest.WaitForFrameAsync(f => TestGuest.IsMessage(f, "shape check"), "own echo");
        var change = guest.Frames.First(f => TestGuest.Type(f) == "member-change");

        Assert.Equal($"v2.conversations.chats.{guest.ConversationId}.messages", message["topicName"]!.GetValue<string>());
        Assert.Equal("2", message["version"]!.GetValue<string>());
        Assert.Equal(["CorrelationId", "type"], message["metadata"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["id", "conversation", "sender", "body", "bodyType", "timestamp"], message["eventBody"]!.AsObject().Select(p => p.Key));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", message["eventBody"]!["timestamp"]!.GetValue<string>());
        Assert.Equal($"v2.conversations.chats.{guest.ConversationId}.members", change["topicName"]!.GetValue<string>());
        Assert.Equal(["conversation", "member", "timestamp"], change["eventBody"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["id", "state"], change["eventBody"]!["member"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task The_guest_receives_its_own_message_and_the_agent_types_before_echoing_it()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync();
        var agentId = await guest.WaitForAgentAsync();

        var posted = await Json.ReadAsync(await guest.PostMessageAsync("hello agent"), Json.Wire.WebChatMessage);
        var replies = await guest.WaitForCountAsync(f => TestGuest.IsMessage(f, "hello agent"), 2, "echo and reply");

        Assert.Equal(posted.Id, replies[0]["eventBody"]!["id"]!.GetValue<string>());
        Assert.Equal(guest.MemberId, TestGuest.SenderOf(replies[0]));
        Assert.Equal(agentId, TestGuest.SenderOf(replies[1]));
        var frames = guest.Frames.ToList();
        var typing = frames.FindIndex(f => TestGuest.Type(f) == "typing-indicator" && TestGuest.SenderOf(f) == agentId);
        Assert.InRange(typing, frames.IndexOf(replies[0]) + 1, frames.IndexOf(replies[1]) - 1);
        Assert.Equal("hello agent", posted.Body);
        Assert.Equal(Client.Models.BodyType.Standard, posted.BodyType);
        Assert.Equal($"/api/v2/webchat/guest/conversations/{guest.ConversationId}/messages/{posted.Id}", posted.SelfUri);
        Assert.Equal($"/api/v2/conversations/{guest.ConversationId}", posted.Conversation!.SelfUri);
    }

    [Fact]
    public async Task A_flow_greets_the_guest_as_a_workflow_member_before_the_queue()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.GuestAsync(deploymentId: EmulatorDefaults.FlowDeploymentId);
        await guest.AttachAsync();
        var greeting = await guest.WaitForFrameAsync(f => TestGuest.IsMessage(f, "Welcome! Finding someone to help you."), "flow greeting");

        var sender = await Json.ReadAsync(await guest.SendAsync(HttpMethod.Get, $"/members/{TestGuest.SenderOf(greeting)}"), Json.Wire.WebChatMemberInfo);
        Assert.Equal(Client.Models.MemberRole.Workflow, sender.Role);
        await guest.WaitForAgentAsync();
    }

    [Fact]
    public async Task Heartbeats_arrive_at_the_configured_interval()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Timing.HeartbeatInterval = TimeSpan.FromMilliseconds(100));
        await using var guest = await emulator.GuestAsync();
        await guest.AttachAsync();
        var beats = await guest.WaitForCountAsync(TestGuest.IsHeartbeat, 3, "heartbeats");
        Assert.Equal("""{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}""", beats[0].ToJsonString());
    }

    [Fact]
    public async Task A_guest_leaving_disconnects_it_answers_204_and_closes_the_socket_with_1000()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync();

        using var left = await guest.SendAsync(HttpMethod.Delete, $"/members/{guest.MemberId}");
        Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
        Assert.Equal(0, left.Content.Headers.ContentLength ?? 0);
        await guest.WaitForMemberStateAsync(guest.MemberId, "DISCONNECTED");
        await guest.WaitForFrameAsync(f => TestGuest.SenderOf(f) == guest.MemberId && TestGuest.Body(f)?["bodyType"]?.GetValue<string>() == "member-leave", "guest member-leave");
        await guest.WaitForSocketEndAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, guest.CloseStatus);

        await Json.AssertErrorAsync(await guest.PostMessageAsync("still there?"), 400, ErrorCodes.ConversationState);
        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Delete, $"/members/{guest.MemberId}"), 400, ErrorCodes.MemberState);
        Assert.Equal(ChatEndReason.GuestLeft, emulator.Emulator.Conversation(guest.ConversationId)!.EndReason);
        var members = (await Json.ReadAsync(await guest.SendAsync(HttpMethod.Get, "/members"), Json.Wire.WebChatMemberInfoEntityList)).Entities!;
        Assert.All(members, m => Assert.Equal(Client.Models.MemberState.Disconnected, m.State));
        Assert.NotNull(members.Single(m => m.Id == guest.MemberId).LeaveDate);
    }

    [Fact]
    public async Task A_dropped_socket_can_reattach_within_the_grace_window_and_missed_messages_are_backfilled_not_replayed()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var first = await emulator.ConnectedGuestAsync();
        await first.DropSocketAsync();
        using var sent = await first.ControlAsync(HttpMethod.Post, "/agent/messages", new { body = "while you were away" });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var missed = (await Json.NodeAsync(sent))["id"]!.GetValue<string>();

        await using var again = await TestGuestReattach.ReattachAsync(first, emulator);
        using var after = await again.PostMessageAsync("back again");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        await again.WaitForFrameAsync(f => TestGuest.IsMessage(f, "back again"), "echo on the new socket");
        Assert.DoesNotContain(again.Frames, f => TestGuest.IsMessage(f, "while you were away"));
        var page = await Json.ReadAsync(await first.SendAsync(HttpMethod.Get, "/messages?sortOrder=ascending"), Json.Wire.WebChatMessageEntityList);
        Assert.Contains(page.Entities!, m => m.Id == missed);
        Assert.NotEqual(ChatPhase.Ended, emulator.Emulator.Conversation(first.ConversationId)!.Phase);
    }

    [Fact]
    public async Task A_guest_whose_socket_stays_away_past_the_grace_window_is_disconnected_as_abandoned()
    {
        // The window also runs from creation until the first attach, so it must outlast a cold set-up.
        await using var emulator = await TestEmulator.StartAsync(o => o.Timing.GraceWindow = TimeSpan.FromSeconds(1.5));
        await using var guest = await emulator.ConnectedGuestAsync();
        await guest.DropSocketAsync();

        await Eventually.TrueAsync(() => emulator.Emulator.Conversation(guest.ConversationId)!.Phase == ChatPhase.Ended, "ended");

        var chat = emulator.Emulator.Conversation(guest.ConversationId)!;
        Assert.Equal(ChatEndReason.Abandoned, chat.EndReason);
        Assert.Equal(Client.Models.MemberState.Disconnected, chat.Members!.Single(m => m.Id == guest.MemberId).State);
        Assert.Equal(1, emulator.Emulator.Counters[Control.EmulatorCounter.ChatsAbandoned]);
    }

    [Fact]
    public async Task A_chat_never_attached_is_abandoned_after_the_grace_window()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Timing.GraceWindow = TimeSpan.FromMilliseconds(200));
        await using var guest = await emulator.GuestAsync();
        await Eventually.TrueAsync(() => emulator.Emulator.Conversation(guest.ConversationId)!.Phase == ChatPhase.Ended, "ended");

        Assert.Equal(ChatEndReason.Abandoned, emulator.Emulator.Conversation(guest.ConversationId)!.EndReason);
    }

    [Fact]
    public async Task A_socket_attached_after_the_chat_ended_is_closed_with_1000_at_once()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync();
        await guest.SendAsync(HttpMethod.Delete, $"/members/{guest.MemberId}");
        await guest.WaitForSocketEndAsync();

        await using var late = await TestGuestReattach.ReattachAsync(guest, emulator);
        await late.WaitForSocketEndAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, late.CloseStatus);
    }
}
