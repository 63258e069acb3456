using System.Net;
using GuestChat.Client;
using GuestChat.Client.Models;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Tests.Support;

namespace GuestChat.Emulator.Tests;

public sealed class MessagingTests
{
    [Fact]
    public async Task A_body_of_4000_characters_is_accepted_and_4001_is_refused_naming_the_field()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName);

        Assert.Equal(HttpStatusCode.OK, (await guest.PostMessageAsync(new string('a', 4000))).StatusCode);
        await Json.AssertErrorAsync(await guest.PostMessageAsync(new string('a', 4001)), 400, ErrorCodes.ConstraintValidation, "body");
    }

    [Theory]
    [InlineData("""{}""", 400, ErrorCodes.MessageBodyRequired, "body")]
    [InlineData("""{"body":""}""", 400, ErrorCodes.MessageBodyRequired, "body")]
    [InlineData("""{"body":42}""", 400, ErrorCodes.InvalidValue, "body")]
    [InlineData("""{"body":"x","bodyType":"bogus"}""", 400, ErrorCodes.InvalidValue, "bodyType")]
    [InlineData("""{"body":"x","bodyType":"member-join"}""", 400, ErrorCodes.InvalidValue, "bodyType")]
    [InlineData("""{"body":"x","bodyType":"media-request"}""", 400, ErrorCodes.InvalidValue, "bodyType")]
    [InlineData("""{"body":"x",""", 400, ErrorCodes.BadRequest, null)]
    public async Task An_invalid_message_is_refused_with_the_documented_error(string json, int status, string code, string? field)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName);
        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Post, $"/members/{guest.MemberId}/messages", Json.Body(json)), status, code, field);
        Assert.Equal(0, emulator.Emulator.Counters[Control.EmulatorCounter.GuestMessages]);
    }

    [Fact]
    public async Task A_notice_is_accepted_and_not_answered()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync();
        var notice = await Json.ReadAsync(await guest.PostMessageAsync("page viewed", "notice"), Json.Wire.WebChatMessage);
        await Json.ReadAsync(await guest.PostMessageAsync("a question"), Json.Wire.WebChatMessage);
        await guest.WaitForCountAsync(f => TestGuest.IsMessage(f, "a question"), 2, "question and its echo");

        Assert.Equal(BodyType.Notice, notice.BodyType);
        Assert.Single(guest.Frames, f => TestGuest.IsMessage(f, "page viewed"));
    }

    [Fact]
    public async Task Typing_answers_200_with_an_event_id_and_is_echoed_on_the_socket()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync();
        var typing = await Json.ReadAsync(await guest.SendAsync(HttpMethod.Post, $"/members/{guest.MemberId}/typing"), Json.Wire.WebChatTyping);

        Assert.True(Guid.TryParse(typing.Id, out _));
        Assert.Equal(guest.ConversationId, typing.Conversation!.Id);
        Assert.Equal(guest.MemberId, typing.Sender!.Id);
        await guest.WaitForFrameAsync(f => TestGuest.Type(f) == "typing-indicator" && f["eventBody"]!["id"]!.GetValue<string>() == typing.Id, "own typing echo");
    }

    [Fact]
    public async Task Messages_page_after_and_before_an_id_in_either_order_with_next_links_until_a_short_page()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName);
        for (var i = 1; i <= 7; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await guest.PostMessageAsync($"m{i}")).StatusCode);
        }

        var all = await Page(guest, "?maxResults=100");
        var mine = all.Entities!.Where(m => m.BodyType == BodyType.Standard).ToList();
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"m{i}"), mine.Select(m => m.Body));
        Assert.True(all.Entities!.Zip(all.Entities!.Skip(1)).All(p => p.First.Timestamp < p.Second.Timestamp), "timestamps strictly increase");
        Assert.Null(all.Next);

        var collected = new List<string>();
        var after = mine[0].Id;
        WebChatMessageEntityList page;
        do
        {
            page = await Page(guest, $"?after={after}&maxResults=2");
            collected.AddRange(page.Entities!.Select(m => m.Body!));
            Assert.Equal(page.Entities!.Count == 2 && collected.Count < 6, page.Next is not null);
            after = page.Entities!.LastOrDefault()?.Id ?? after;
        }
        while (page.Entities!.Count == 2);
        Assert.Equal(Enumerable.Range(2, 6).Select(i => $"m{i}"), collected);
        Assert.Equal(2, page.PageSize);

        var second = await Page(guest, $"?after={mine[0].Id}&maxResults=2");
        Assert.Equal($"{GuestChatPaths.Messages(guest.ConversationId)}?after={mine[2].Id}&sortOrder=ascending&maxResults=2", second.Next);
        Assert.NotNull(second.PreviousPage);

        var newest = await Page(guest, "?sortOrder=descending&maxResults=3");
        Assert.Equal(["m7", "m6", "m5"], newest.Entities!.Select(m => m.Body));
        var older = await Page(guest, $"?before={mine[4].Id}&sortOrder=descending&maxResults=2");
        Assert.Equal(["m4", "m3"], older.Entities!.Select(m => m.Body));
        var between = await Page(guest, $"?after={mine[1].Id}&before={mine[5].Id}");
        Assert.Equal(["m3", "m4", "m5"], between.Entities!.Select(m => m.Body));
    }

    [Theory]
    [InlineData("?maxResults=101", "maxResults")]
    [InlineData("?maxResults=0", "maxResults")]
    [InlineData("?maxResults=ten", "maxResults")]
    [InlineData("?sortOrder=sideways", "sortOrder")]
    [InlineData("?after=no-such-message", "after")]
    [InlineData("?before=no-such-message", "before")]
    public async Task Bad_message_paging_parameters_are_400_naming_the_parameter(string query, string field)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.GuestAsync();
        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Get, "/messages" + query), 400, ErrorCodes.InvalidValue, field);
    }

    [Fact]
    public async Task One_message_can_be_read_by_id_and_an_unknown_id_is_404()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName);
        var posted = await Json.ReadAsync(await guest.PostMessageAsync("find me"), Json.Wire.WebChatMessage);

        var read = await Json.ReadAsync(await guest.SendAsync(HttpMethod.Get, $"/messages/{posted.Id}"), Json.Wire.WebChatMessage);
        Assert.Equal(posted, read with { Conversation = posted.Conversation, Sender = posted.Sender });
        Assert.Equal(posted.Sender!.Id, read.Sender!.Id);
        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Get, $"/messages/{Guid.NewGuid()}"), 404, ErrorCodes.ChatNotFound);
    }

    [Fact]
    public async Task Members_page_with_counts_and_links_and_can_leave_out_the_disconnected()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync();

        var all = await Json.ReadAsync(await guest.SendAsync(HttpMethod.Get, "/members"), Json.Wire.WebChatMemberInfoEntityList);
        Assert.Equal(3, all.Total);
        Assert.Equal(25, all.PageSize);
        Assert.Equal(1, all.PageCount);
        Assert.Null(all.NextUri);

        var first = await Json.ReadAsync(await guest.SendAsync(HttpMethod.Get, "/members?pageSize=1&pageNumber=1"), Json.Wire.WebChatMemberInfoEntityList);
        Assert.Single(first.Entities!);
        Assert.Equal(3, first.PageCount);
        Assert.Equal($"{GuestChatPaths.Members(guest.ConversationId)}?pageSize=1&pageNumber=2&excludeDisconnectedMembers=false", first.NextUri);
        Assert.Null(first.PreviousUri);
        var last = await Json.ReadAsync(await guest.SendAsync(HttpMethod.Get, "/members?pageSize=1&pageNumber=3"), Json.Wire.WebChatMemberInfoEntityList);
        Assert.Null(last.NextUri);
        Assert.NotNull(last.PreviousUri);

        var connected = await Json.ReadAsync(await guest.SendAsync(HttpMethod.Get, "/members?excludeDisconnectedMembers=true"), Json.Wire.WebChatMemberInfoEntityList);
        Assert.Equal([MemberRole.Customer, MemberRole.Agent], connected.Entities!.Select(m => m.Role!.Value));
        Assert.All(connected.Entities!, m => Assert.Equal(MemberState.Connected, m.State));

        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Get, "/members?pageSize=0"), 400, ErrorCodes.InvalidValue, "pageSize");
        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Get, "/members?excludeDisconnectedMembers=maybe"), 400, ErrorCodes.InvalidValue, "excludeDisconnectedMembers");
        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Get, $"/members/{Guid.NewGuid()}"), 404, ErrorCodes.ChatNotFound);
    }

    private static async Task<WebChatMessageEntityList> Page(TestGuest guest, string query) =>
        await Json.ReadAsync(await guest.SendAsync(HttpMethod.Get, "/messages" + query), Json.Wire.WebChatMessageEntityList);
}
