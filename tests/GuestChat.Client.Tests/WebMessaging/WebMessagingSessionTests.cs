using System.Net.Http.Json;
using GuestChat.Client.WebMessaging;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;

namespace GuestChat.Client.Tests.WebMessaging;

/// <summary>The client library's Web Messaging session and history against the emulator's Web Messaging profile on loopback.</summary>
public sealed class WebMessagingSessionTests : IAsyncLifetime
{
    private GuestChatEmulator _emulator = null!;
    private WebMessagingEndpoints _endpoints = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _emulator = await GuestChatEmulator.StartAsync(EmulatorOptions.Quick());
        _endpoints = WebMessagingEndpoints.From(GuestChatEnvironment.FromBaseUrl(_emulator.BaseUrl));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_sent_text_is_taken_when_it_comes_back_and_the_agents_answer_arrives_in_the_frames()
    {
        await using var session = await OpenAsync(Guid.NewGuid().ToString());
        Assert.True(session.Session is { Connected: true, NewSession: true, ReadOnly: false });

        var taken = await session.SendTextAsync("Where is my order?", "t-1");
        Assert.True(taken is { IsInbound: true, Text: "Where is my order?" });

        var own = await NextMessageAsync(session, m => m.IsInbound);
        Assert.Equal(taken.Id, own.Id);
        var answer = await NextMessageAsync(session, m => m is { IsInbound: false, Type: "Text" });
        Assert.Contains("Where is my order?", answer.Text, StringComparison.Ordinal);
        Assert.True(await session.EchoAsync() > TimeSpan.Zero);
    }

    [Fact]
    public async Task Refusals_are_typed_the_rate_limit_says_when_to_retry_and_a_too_long_text_is_not_retried()
    {
        await using var session = await OpenAsync(Guid.NewGuid().ToString());

        // Two texts a second: a third within the same second is refused. On a busy machine the three sends
        // can take more than a second, and then the third is rightly taken: the burst is tried again.
        WebMessagingException? limited = null;
        for (var attempt = 1; attempt <= 3 && limited is null; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.1));
            }

            var burst = System.Diagnostics.Stopwatch.StartNew();
            await session.SendTextAsync("one", $"r-{attempt}-1");
            await session.SendTextAsync("two", $"r-{attempt}-2");
            try
            {
                await session.SendTextAsync("three", $"r-{attempt}-3");
                Assert.True(burst.Elapsed >= TimeSpan.FromSeconds(1), $"a third text {burst.Elapsed.TotalMilliseconds:F0} ms after the first was taken");
            }
            catch (WebMessagingException refused)
            {
                limited = refused;
            }
        }

        Assert.NotNull(limited);
        Assert.Equal((4029, TimeSpan.FromSeconds(1), true), (limited.Code, limited.RetryAfter, limited.Transient));

        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var tooLong = await Assert.ThrowsAsync<WebMessagingException>(() => session.SendTextAsync(new string('x', 4097), "long"));
        Assert.Equal((4011, false), (tooLong.Code, tooLong.Transient));
        Assert.Equal("three", (await session.SendTextAsync("three", "r-3b")).Text);
    }

    [Fact]
    public async Task The_same_token_resumes_the_session_and_its_jwt_reads_the_history_newest_first()
    {
        var token = Guid.NewGuid().ToString();
        await using (var first = await OpenAsync(token))
        {
            await first.SendTextAsync("first", "h-1");
            await NextMessageAsync(first, m => m is { IsInbound: false, Type: "Text" });
        }

        await using var again = await OpenAsync(token);
        Assert.True(again.Session is { NewSession: false, ReadOnly: false });
        var jwt = await again.GetJwtAsync();
        Assert.Same(jwt, await again.GetJwtAsync());
        Assert.DoesNotContain(jwt.Jwt, jwt.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, again.ToString(), StringComparison.Ordinal);

        var history = new List<StructuredMessage>();
        await foreach (var message in WebMessagingHistory.NewestFirstAsync(_http, _endpoints, jwt.Jwt, pageSize: 1))
        {
            history.Add(message);
        }

        Assert.Equal([false, true], history.Select(m => m.IsInbound));
        Assert.Equal("first", history[1].Text);

        var refused = await Assert.ThrowsAsync<WebMessagingException>(() => WebMessagingHistory.GetPageAsync(_http, _endpoints, "not-a-jwt"));
        Assert.Equal(401, refused.Code);
    }

    [Fact]
    public async Task A_dropped_socket_ends_the_frames_and_fails_what_is_sent_after_it_as_transient()
    {
        await using var session = await OpenAsync(Guid.NewGuid().ToString());
        await session.SendTextAsync("hello", "d-1");
        var conversation = (await _http.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>(new Uri(_emulator.BaseUrl, "/emulator/conversations")))!.Single()!["id"]!.GetValue<string>();
        (await _http.PostAsync(new Uri(_emulator.BaseUrl, $"/emulator/conversations/{conversation}/sockets/drop"), null)).EnsureSuccessStatusCode();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await session.Frames.WaitToReadAsync(timeout.Token))
        {
            session.Frames.TryRead(out _);
        }

        var lost = await Assert.ThrowsAsync<WebMessagingException>(() => session.SendTextAsync("anyone?", "d-2"));
        Assert.True(lost is { Code: 0, Transient: true });
    }

    [Fact]
    public void Endpoints_follow_the_region_or_the_one_host_given()
    {
        var region = WebMessagingEndpoints.From(GuestChatEnvironment.FromRegion("mypurecloud.ie"));
        Assert.Equal("wss://webmessaging.mypurecloud.ie/v1?deploymentId=abc", region.Socket("abc").ToString());
        Assert.Equal("https://api.mypurecloud.ie/api/v2/webmessaging/messages?pageNumber=2&pageSize=25", region.History(2, 25).ToString());
        Assert.Equal("https://api-cdn.mypurecloud.ie/webdeployments/v1/deployments/abc/config.json", region.Config("abc").ToString());

        var local = WebMessagingEndpoints.From(GuestChatEnvironment.FromBaseUrl(new Uri("http://127.0.0.1:5080")));
        Assert.Equal("ws://127.0.0.1:5080/v1?deploymentId=abc", local.Socket("abc").ToString());
        Assert.Equal("http://127.0.0.1:5080/webdeployments/v1/deployments/abc/config.json", local.Config("abc").ToString());
    }

    private Task<WebMessagingSession> OpenAsync(string token) =>
        WebMessagingSession.OpenAsync(_endpoints, EmulatorDefaults.DeploymentId, token, origin: "https://shop.example");

    private static async Task<StructuredMessage> NextMessageAsync(WebMessagingSession session, Func<StructuredMessage, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var frame = await session.Frames.ReadAsync(timeout.Token);
            if (frame is StructuredMessageFrame { Message: var message } && wanted(message))
            {
                return message;
            }
        }
    }
}
