using System.Net;
using GuestChat.Client;
using GuestChat.Client.Models;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Tests.Support;

namespace GuestChat.Emulator.Tests;

public sealed class MediaRequestTests
{
    [Fact]
    public async Task An_agent_media_request_arrives_as_a_media_request_message_and_can_be_accepted_once()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName);
        var raised = await Json.ReadAsync(await guest.ControlAsync(HttpMethod.Post, "/agent/mediarequests", new { types = new[] { "SCREENSHARE" } }), Json.Wire.WebChatGuestMediaRequest);

        var frame = await guest.WaitForFrameAsync(f => TestGuest.Body(f)?["bodyType"]?.GetValue<string>() == "media-request", "media request message");
        Assert.Equal(raised.Id, TestGuest.Body(frame)!["body"]!.GetValue<string>());
        var read = await Json.ReadAsync(await guest.SendAsync(HttpMethod.Get, $"/mediarequests/{raised.Id}"), Json.Wire.WebChatGuestMediaRequest);
        Assert.Equal(MediaRequestState.Pending, read.State);
        Assert.Equal([MediaType.Screenshare], read.Types);
        Assert.False(string.IsNullOrEmpty(read.SecurityKey));
        Assert.Equal(GuestChatPaths.MediaRequest(guest.ConversationId, raised.Id!), read.SelfUri);

        var accepted = await Json.ReadAsync(await Patch(guest, raised.Id!, "ACCEPTED"), Json.Wire.WebChatGuestMediaRequest);
        Assert.Equal(MediaRequestState.Accepted, accepted.State);
        await Json.AssertErrorAsync(await Patch(guest, raised.Id!, "DECLINED"), 400, ErrorCodes.InvalidValue, "state");
        var list = await Json.ReadAsync(await guest.SendAsync(HttpMethod.Get, "/mediarequests"), Json.Wire.WebChatGuestMediaRequestEntityList);
        Assert.Equal(MediaRequestState.Accepted, list.Entities!.Single().State);
    }

    [Theory]
    [InlineData("DECLINED")]
    [InlineData("ERRORED")]
    public async Task A_guest_can_decline_or_report_an_error(string answer)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName);
        var raised = await Json.ReadAsync(await guest.ControlAsync(HttpMethod.Post, "/agent/mediarequests"), Json.Wire.WebChatGuestMediaRequest);
        var answered = await Json.ReadAsync(await Patch(guest, raised.Id!, answer), Json.Wire.WebChatGuestMediaRequest);
        Assert.Equal(answer, Client.Serialization.WireEnumConverter<MediaRequestState>.WireName(answered.State!.Value));
        Assert.Equal([MediaType.Cobrowse], answered.Types);
    }

    [Theory]
    [InlineData("""{"state":"PENDING","types":["COBROWSE"]}""", ErrorCodes.InvalidValue, "state")]
    [InlineData("""{"state":"CANCELLED","types":["COBROWSE"]}""", ErrorCodes.InvalidValue, "state")]
    [InlineData("""{"state":"SOMETHING","types":["COBROWSE"]}""", ErrorCodes.InvalidValue, "state")]
    [InlineData("""{"types":["COBROWSE"]}""", ErrorCodes.InvalidValue, "state")]
    [InlineData("""{"state":"ACCEPTED","types":["HOLOGRAM"]}""", ErrorCodes.InvalidValue, "types[0]")]
    public async Task A_guest_may_only_answer_accepted_declined_or_errored(string json, string code, string field)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName);
        var raised = await Json.ReadAsync(await guest.ControlAsync(HttpMethod.Post, "/agent/mediarequests"), Json.Wire.WebChatGuestMediaRequest);
        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Patch, $"/mediarequests/{raised.Id}", Json.Body(json)), 400, code, field);
    }

    [Fact]
    public async Task An_unanswered_request_times_out_and_a_cancelled_one_cannot_be_answered()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Timing.MediaRequestTimeout = TimeSpan.FromMilliseconds(200));
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName);
        var late = await Json.ReadAsync(await guest.ControlAsync(HttpMethod.Post, "/agent/mediarequests"), Json.Wire.WebChatGuestMediaRequest);
        await Eventually.TrueAsync(() => Read(guest, late.Id!).Result.State == MediaRequestState.TimedOut, "timed out");
        await Json.AssertErrorAsync(await Patch(guest, late.Id!, "ACCEPTED"), 400, ErrorCodes.InvalidValue, "state");

        var cancelled = await Json.ReadAsync(await guest.ControlAsync(HttpMethod.Post, "/agent/mediarequests"), Json.Wire.WebChatGuestMediaRequest);
        Assert.Equal(HttpStatusCode.OK, (await guest.ControlAsync(HttpMethod.Delete, $"/agent/mediarequests/{cancelled.Id}")).StatusCode);
        Assert.Equal(MediaRequestState.Cancelled, (await Read(guest, cancelled.Id!)).State);
        await Json.AssertErrorAsync(await Patch(guest, cancelled.Id!, "ACCEPTED"), 400, ErrorCodes.InvalidValue, "state");
    }

    [Fact]
    public async Task The_media_queue_agent_raises_a_cobrowse_request_after_the_first_exchange()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.MediaQueueName);
        await guest.PostMessageAsync("can you show me?");
        var frame = await guest.WaitForFrameAsync(f => TestGuest.Body(f)?["bodyType"]?.GetValue<string>() == "media-request", "media request");
        var request = await Read(guest, TestGuest.Body(frame)!["body"]!.GetValue<string>());
        Assert.Equal([MediaType.Cobrowse], request.Types);
        Assert.Equal(MediaRequestState.Pending, request.State);
    }

    [Fact]
    public async Task An_unknown_media_request_is_404()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.GuestAsync();
        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Get, $"/mediarequests/{Guid.NewGuid()}"), 404, ErrorCodes.ChatNotFound);
        await Json.AssertErrorAsync(await Patch(guest, Guid.NewGuid().ToString(), "ACCEPTED"), 404, ErrorCodes.ChatNotFound);
    }

    private static Task<HttpResponseMessage> Patch(TestGuest guest, string id, string state) =>
        guest.SendAsync(HttpMethod.Patch, $"/mediarequests/{id}", Json.Body($$"""{"state":"{{state}}","types":["COBROWSE"]}"""));

    private static async Task<WebChatGuestMediaRequest> Read(TestGuest guest, string id) =>
        await Json.ReadAsync(await guest.SendAsync(HttpMethod.Get, $"/mediarequests/{id}"), Json.Wire.WebChatGuestMediaRequest);
}
