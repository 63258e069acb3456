using System.Diagnostics;
using GuestChat.Client.Authentication;
using GuestChat.Client.Errors;
using GuestChat.Client.Http;
using GuestChat.Client.Models;
using GuestChat.Client.Tests.Support;
using GuestChat.Emulator.Control;
using GuestChat.Emulator.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace GuestChat.Client.Tests;

public sealed class GuestChatClientTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task All_eleven_operations_work_against_the_emulator_over_real_http()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var (chat, jwt, socket) = await fixture.OpenChatAsync(EmulatorDefaults.SilentQueueName);
        using var attached = socket;
        var id = chat.Id!;
        var me = chat.Member!.Id!;
        Assert.Equal(id, jwt.Claims!.ConversationId);

        var members = await client.GetMembersAsync(jwt, id, new MemberPageQuery(PageSize: 1, PageNumber: 2), None);
        Assert.Equal(3, members.Value!.Total);
        Assert.Single(members.Value.Entities!);
        var agentId = (await client.GetMembersAsync(jwt, id, new MemberPageQuery(ExcludeDisconnectedMembers: true), None)).Value!.Entities!.Single(m => m.Role == MemberRole.Agent).Id!;
        Assert.Equal("Hank Agent", (await client.GetMemberAsync(jwt, id, agentId, None)).Value!.DisplayName);

        var sent = await client.SendMessageAsync(jwt, id, me, new CreateWebChatMessageRequest { Body = "hello from .NET" }, None);
        Assert.Equal("hello from .NET", sent.Value!.Body);
        Assert.Equal(me, (await client.SendTypingAsync(jwt, id, me, None)).Value!.Sender!.Id);
        Assert.Equal(sent.Value.Id, (await client.GetMessageAsync(jwt, id, sent.Value.Id!, None)).Value!.Id);
        var page = await client.GetMessagesAsync(jwt, id, new MessagePageQuery(Descending: true, MaxResults: 1), None);
        Assert.Equal("hello from .NET", page.Value!.Entities!.Single().Body);

        var raised = await RaiseMediaRequestAsync(fixture, id);
        Assert.Equal(MediaRequestState.Pending, (await client.GetMediaRequestAsync(jwt, id, raised, None)).Value!.State);
        Assert.Single((await client.GetMediaRequestsAsync(jwt, id, None)).Value!.Entities!);
        var accepted = await client.UpdateMediaRequestAsync(jwt, id, raised, new WebChatGuestMediaRequest { State = MediaRequestState.Accepted, Types = [MediaType.Cobrowse] }, None);
        Assert.Equal(MediaRequestState.Accepted, accepted.Value!.State);

        Assert.True((await client.RemoveMemberAsync(jwt, id, me, None)).IsSuccess);
        Assert.Equal(GuestChat.Emulator.Chat.ChatEndReason.GuestLeft, fixture.Emulator.Conversation(id)!.EndReason);
    }

    [Fact]
    public async Task A_refusal_is_a_final_error_with_status_code_field_and_correlation_id_and_is_not_retried()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var (chat, jwt, socket) = await fixture.OpenChatAsync(EmulatorDefaults.SilentQueueName);
        using var attached = socket;
        var before = fixture.Emulator.Counters[EmulatorCounter.Requests];

        var result = await fixture.Client.SendMessageAsync(jwt, chat.Id!, chat.Member!.Id!, new CreateWebChatMessageRequest { Body = new string('x', 4001) }, None);

        var error = result.Error!;
        Assert.Equal(FailureKind.Final, error.Kind);
        Assert.Equal(400, error.Status);
        Assert.Equal(ErrorCodes.ConstraintValidation, error.Code);
        Assert.Equal("body", error.Field);
        Assert.True(Guid.TryParse(error.CorrelationId, out _));
        Assert.Equal(1, error.Attempts);
        Assert.Equal(before + 1, fixture.Emulator.Counters[EmulatorCounter.Requests]);
    }

    [Fact]
    public async Task A_429_waits_the_retry_after_it_names_and_then_succeeds()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var (chat, jwt, socket) = await fixture.OpenChatAsync();
        using var attached = socket;
        fixture.Emulator.Faults = new FaultOptions { ThrottleShare = 1, RetryAfterSeconds = 1 }.Resolve();
        fixture.Handler.OnAnswer = response =>
        {
            if ((int)response.StatusCode == 429)
            {
                fixture.Emulator.Faults = new FaultOptions().Resolve();
            }
        };

        var clock = Stopwatch.StartNew();
        var result = await fixture.Client.GetMembersAsync(jwt, chat.Id!, null, None);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"retried after {clock.Elapsed}");
        var exchanges = fixture.Handler.Exchanges.Where(e => e.Path.EndsWith("/members", StringComparison.Ordinal)).ToList();
        Assert.Equal([429, 200], exchanges.Select(e => e.Status));
        Assert.True(exchanges[1].At - exchanges[0].At >= TimeSpan.FromSeconds(0.95));
        Assert.Equal(1, fixture.Emulator.Counters[EmulatorCounter.FaultThrottled]);
    }

    [Fact]
    public async Task A_429_on_a_post_is_retried_too_because_it_was_not_carried_out()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var (chat, jwt, socket) = await fixture.OpenChatAsync(EmulatorDefaults.SilentQueueName);
        using var attached = socket;
        fixture.Emulator.Faults = new FaultOptions { ThrottleShare = 1, RetryAfterSeconds = 1 }.Resolve();
        fixture.Handler.OnAnswer = response =>
        {
            if ((int)response.StatusCode == 429)
            {
                fixture.Emulator.Faults = new FaultOptions().Resolve();
            }
        };

        var result = await fixture.Client.SendMessageAsync(jwt, chat.Id!, chat.Member!.Id!, new CreateWebChatMessageRequest { Body = "once" }, None);

        Assert.True(result.IsSuccess);
        Assert.Single(fixture.Emulator.Conversation(chat.Id!)!.Transcript!, e => e.Body == "once");
    }

    [Fact]
    public async Task A_503_on_a_safe_call_is_retried_with_back_off()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var (chat, jwt, socket) = await fixture.OpenChatAsync();
        using var attached = socket;
        fixture.Emulator.Faults = new FaultOptions { ServerErrorShare = 1, ServerErrorStatuses = [503] }.Resolve();
        var failures = 0;
        fixture.Handler.OnAnswer = response =>
        {
            if ((int)response.StatusCode == 503 && ++failures == 2)
            {
                fixture.Emulator.Faults = new FaultOptions().Resolve();
            }
        };

        var result = await fixture.Client.GetMessagesAsync(jwt, chat.Id!, null, None);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(2, fixture.Emulator.Counters[EmulatorCounter.FaultServiceUnavailable]);
    }

    [Fact]
    public async Task A_safe_call_that_keeps_failing_gives_up_within_its_attempts_as_retry_after()
    {
        await using var fixture = await ClientFixture.StartAsync(new RetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10) });
        var (chat, jwt, socket) = await fixture.OpenChatAsync();
        using var attached = socket;
        fixture.Emulator.Faults = new FaultOptions { ServerErrorShare = 1, ServerErrorStatuses = [502] }.Resolve();

        var result = await fixture.Client.GetMembersAsync(jwt, chat.Id!, null, None);

        Assert.Equal(FailureKind.RetryAfter, result.Error!.Kind);
        Assert.Equal(3, result.Error.Attempts);
        Assert.Equal(3, fixture.Emulator.Counters[EmulatorCounter.FaultBadGateway]);
    }

    [Theory]
    [InlineData(503, 0.0)]
    [InlineData(504, 1.0)]
    public async Task A_5xx_on_a_message_post_is_outcome_unknown_and_not_retried(int status, double appliedShare)
    {
        await using var fixture = await ClientFixture.StartAsync();
        var (chat, jwt, socket) = await fixture.OpenChatAsync(EmulatorDefaults.SilentQueueName);
        using var attached = socket;
        fixture.Emulator.Faults = new FaultOptions { ServerErrorShare = 1, ServerErrorStatuses = [status], TimeoutAppliedShare = appliedShare }.Resolve();

        var result = await fixture.Client.SendMessageAsync(jwt, chat.Id!, chat.Member!.Id!, new CreateWebChatMessageRequest { Body = "maybe" }, None);

        Assert.Equal(FailureKind.OutcomeUnknown, result.Error!.Kind);
        Assert.Equal(status, result.Error.Status);
        Assert.Equal(1, result.Error.Attempts);
        var copies = fixture.Emulator.Conversation(chat.Id!)!.Transcript!.Count(e => e.Body == "maybe");
        Assert.Equal(appliedShare > 0 ? 1 : 0, copies);
    }

    [Fact]
    public async Task A_foreign_token_is_a_final_403()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var mine = (await fixture.Client.CreateConversationAsync(ChatRequests.To(displayName: "Client Test"), None)).Succeeded("creating a chat");
        var theirs = (await fixture.Client.CreateConversationAsync(ChatRequests.To(displayName: "Client Test"), None)).Succeeded("creating a chat");

        var foreign = await fixture.Client.GetMembersAsync(new GuestJwt(mine.Jwt!), theirs.Id!, null, None);

        Assert.Equal((FailureKind.Final, 403, ErrorCodes.NotAuthorized), (foreign.Error!.Kind, foreign.Error.Status, foreign.Error.Code));
    }

    [Fact]
    public async Task An_expired_token_is_a_final_401_credentials_expired()
    {
        await using var fixture = await ClientFixture.StartAsync(configure: o => o.Timing.JwtLifetime = TimeSpan.FromSeconds(1));
        var mine = (await fixture.Client.CreateConversationAsync(ChatRequests.To(displayName: "Client Test"), None)).Succeeded("creating a chat");
        var jwt = new GuestJwt(mine.Jwt!);

        var untilExpired = jwt.ExpiresAt!.Value - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(50);
        if (untilExpired > TimeSpan.Zero)
        {
            await Task.Delay(untilExpired);
        }

        var expired = await fixture.Client.GetMembersAsync(jwt, mine.Id!, null, None);

        Assert.Equal((FailureKind.Final, 401, ErrorCodes.CredentialsExpired), (expired.Error!.Kind, expired.Error.Status, expired.Error.Code));
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_is_retried_even_for_a_create_and_then_reported()
    {
        using var client = new GuestChatClient(new GuestChatClientOptions
        {
            Environment = GuestChatEnvironment.FromBaseUrl(new Uri("http://127.0.0.1:9")),
            Retry = new RetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(5) },
        });

        var result = await client.CreateConversationAsync(ChatRequests.To(displayName: "Client Test"), None);

        Assert.Equal(FailureKind.RetryAfter, result.Error!.Kind);
        Assert.Equal("client.connection", result.Error.Code);
        Assert.Null(result.Error.Status);
        Assert.Equal(3, result.Error.Attempts);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_answer_is_read_whole_whether_its_length_is_given_or_not(bool lengthGiven)
    {
        // A page of 100 messages of 200 characters: far past the first buffer, so it is grown while read.
        var entities = string.Join(",", Enumerable.Range(0, 100).Select(i => $$"""{"id":"m-{{i}}","body":"{{new string('x', 200)}}","bodyType":"standard"}"""));
        using var client = AnsweredBy(_ => Json($$"""{"entities":[{{entities}}],"pageSize":100}""", lengthGiven));

        var page = await client.GetMessagesAsync(new GuestJwt("opaque"), "c-1", null, None);

        Assert.Equal(100, page.Value!.Entities!.Count);
        Assert.Equal("m-99", page.Value.Entities[^1].Id);
        Assert.Equal(200, page.Value.Entities[^1].Body!.Length);
    }

    [Fact]
    public async Task An_answer_larger_than_any_the_api_gives_is_refused_as_unreadable_and_the_client_goes_on()
    {
        var huge = true;
        using var client = AnsweredBy(_ =>
        {
            var answer = Json("""{"id":"t-1"}""", lengthGiven: true);
            if (huge)
            {
                answer.Content.Headers.ContentLength = 64L * 1024 * 1024;
            }

            return answer;
        }, attempts: 1);
        var jwt = new GuestJwt("opaque");

        var refused = await client.GetMessageAsync(jwt, "c-1", "t-1", None);
        huge = false;
        var read = await client.GetMessageAsync(jwt, "c-1", "t-1", None);

        Assert.Equal(("client.invalid.response", 200), (refused.Error!.Code, refused.Error.Status));
        Assert.Equal("t-1", read.Value!.Id);
    }

    [Fact]
    public async Task Every_request_says_it_takes_json_and_carries_the_bearer_token_as_given()
    {
        var seen = new List<(string? Accept, string? Authorization, string? ContentType, string Uri)>();
        using var client = AnsweredBy(request =>
        {
            seen.Add((request.Headers.Accept.ToString(), request.Headers.Authorization?.ToString(), request.Content?.Headers.ContentType?.ToString(), request.RequestUri!.AbsoluteUri));
            return Json("""{"id":"x"}""", lengthGiven: true);
        });

        await client.SendMessageAsync(new GuestJwt("a.b.c"), "c 1", "m-1", new CreateWebChatMessageRequest { Body = "hi" }, None);

        var (accept, authorization, contentType, uri) = Assert.Single(seen);
        Assert.Equal("application/json", accept);
        Assert.Equal("Bearer a.b.c", authorization);
        Assert.Equal("application/json; charset=UTF-8", contentType);
        Assert.Equal("http://guest.test/api/v2/webchat/guest/conversations/c%201/members/m-1/messages", uri);
    }

    [Fact]
    public async Task A_cookie_the_server_sets_is_never_sent_back()
    {
        // A load balancer's stickiness cookie, say: the JWT is this API's only credential, so the client keeps none.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        var cookiesSeen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        app.MapGet("/api/v2/webchat/guest/conversations/{id}/messages/{messageId}", (HttpContext context) =>
        {
            cookiesSeen.Enqueue(context.Request.Headers.Cookie.ToString());
            context.Response.Headers.SetCookie = "AWSALB=sticky-1; Path=/";
            return Microsoft.AspNetCore.Http.Results.Text("""{"id":"m-1"}""", "application/json");
        });
        await app.StartAsync();
        using var client = new GuestChatClient(new GuestChatClientOptions { Environment = GuestChatEnvironment.FromBaseUrl(new Uri(app.Urls.First())) });
        var jwt = new GuestJwt("opaque");

        var first = await client.GetMessageAsync(jwt, "c-1", "m-1", None);
        var second = await client.GetMessageAsync(jwt, "c-1", "m-1", None);

        Assert.Equal(("m-1", "m-1"), (first.Value?.Id, second.Value?.Id));
        Assert.Equal(["", ""], cookiesSeen);
    }

    private static GuestChatClient AnsweredBy(Func<HttpRequestMessage, HttpResponseMessage> answer, int attempts = 3) =>
        new(new GuestChatClientOptions
        {
            Environment = GuestChatEnvironment.FromBaseUrl(new Uri("http://guest.test/some/base/")),
            Retry = new RetryOptions { MaxAttempts = attempts, BaseDelay = TimeSpan.FromMilliseconds(5) },
        }, new HttpClient(new AnsweringHandler(answer)));

    private static HttpResponseMessage Json(string body, bool lengthGiven)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        var content = lengthGiven ? (HttpContent)new ByteArrayContent(bytes) : new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content };
    }

    /// <summary>Answers every request itself (a unit spec of how the client reads answers, which the emulator always sends chunked).</summary>
    private sealed class AnsweringHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }

    /// <summary>A body whose length is not known ahead (as a chunked answer's), read a few bytes at a time.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 700)], cancellationToken);
    }

    [Fact]
    public async Task One_client_serves_many_conversations_at_once_each_with_its_own_jwt()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var chats = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => fixture.OpenChatAsync(EmulatorDefaults.SilentQueueName)));
        try
        {
            await Task.WhenAll(chats.Select((c, i) => Task.WhenAll(Enumerable.Range(0, 5).Select(n =>
                fixture.Client.SendMessageAsync(c.Jwt, c.Chat.Id!, c.Chat.Member!.Id!, new CreateWebChatMessageRequest { Body = $"chat {i} message {n}" }, None)))));

            for (var i = 0; i < chats.Length; i++)
            {
                var bodies = fixture.Emulator.Conversation(chats[i].Chat.Id!)!.Transcript!.Where(e => e.BodyType == BodyType.Standard).Select(e => e.Body).Order();
                Assert.Equal(Enumerable.Range(0, 5).Select(n => $"chat {i} message {n}").Order(), bodies);
            }

            Assert.Equal(0, fixture.Emulator.Counters[EmulatorCounter.Responses4xx]);
        }
        finally
        {
            foreach (var chat in chats)
            {
                chat.Socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task The_jwt_goes_only_into_the_authorization_header_and_never_into_an_error()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var created = (await fixture.Client.CreateConversationAsync(ChatRequests.To(displayName: "Client Test"), None)).Succeeded("creating a chat");
        var jwt = new GuestJwt(created.Jwt!);

        var refused = await fixture.Client.SendMessageAsync(jwt, created.Id!, created.Member!.Id!, new CreateWebChatMessageRequest { Body = "x" }, None);

        Assert.Contains($"Bearer {created.Jwt}", fixture.Handler.AuthorizationHeaders);
        Assert.DoesNotContain(created.Jwt!, refused.Error!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(created.Jwt!, jwt.ToString(), StringComparison.Ordinal);
    }

    private static async Task<string> RaiseMediaRequestAsync(ClientFixture fixture, string conversationId)
    {
        using var http = new HttpClient { BaseAddress = fixture.Emulator.BaseUrl };
        using var response = await http.PostAsync($"/emulator/conversations/{conversationId}/agent/mediarequests", null);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["id"]!.GetValue<string>();
    }
}
