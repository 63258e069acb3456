using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GuestChat.Client;
using GuestChat.Emulator.Control;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Tests.Support;

namespace GuestChat.Emulator.Tests;

public sealed class FaultInjectionTests
{
    [Fact]
    public async Task Throttled_requests_get_429_with_retry_after_and_a_limit_and_are_counted()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.GuestAsync();
        emulator.Emulator.Faults = new FaultOptions { ThrottleShare = 1, RetryAfterSeconds = 7 }.Resolve();

        using var response = await guest.SendAsync(HttpMethod.Get, "/members");
        var error = await Json.AssertErrorAsync(response, 429, ErrorCodes.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
        Assert.Equal("webchat", error.Limit!.Namespace);
        Assert.Equal(1, emulator.Emulator.Counters[EmulatorCounter.FaultThrottled]);
        Assert.Equal(HttpStatusCode.OK, (await emulator.Http.GetAsync("/emulator/counters")).StatusCode);
    }

    [Fact]
    public async Task An_organization_budget_refuses_what_exceeds_it_and_says_when_to_come_back()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.GuestAsync();
        emulator.Emulator.Faults = new FaultOptions { OrganizationRequestsPerSecond = 20 }.Resolve();

        // 60 requests at once against a bucket of 20: 20 pass, plus what the bucket refilled (20 a second) while the
        // burst was being answered (a loaded machine took over half a second once); the rest wait for tokens.
        var burst = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => guest.SendAsync(HttpMethod.Get, "/members")));
        var refilled = (int)Math.Ceiling(burst.Elapsed.TotalSeconds * 20);
        var passed = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(passed, 20, 20 + Math.Max(4, refilled));
        Assert.Equal(60 - passed, refused.Count);
        Assert.All(refused, r => Assert.Equal(TimeSpan.FromSeconds(1), r.Headers.RetryAfter!.Delta));
        Assert.Equal(refused.Count, emulator.Emulator.Counters[EmulatorCounter.OrganizationThrottled]);
        Assert.Equal(0, emulator.Emulator.Counters[EmulatorCounter.FaultThrottled]);

        // The bucket fills again as time passes: within a couple of seconds requests pass again.
        await Eventually.TrueAsync(async () => (await guest.SendAsync(HttpMethod.Get, "/members")).StatusCode == HttpStatusCode.OK, "a request passing once the bucket refilled", TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void An_organization_budget_below_zero_is_refused_at_start()
    {
        var error = Assert.Throws<ArgumentException>(() => new EmulatorOptions { Faults = new FaultOptions { OrganizationRequestsPerSecond = -1 } }.Normalize());
        Assert.Contains("OrganizationRequestsPerSecond", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(502, ErrorCodes.BadGateway, EmulatorCounter.FaultBadGateway)]
    [InlineData(503, ErrorCodes.ServiceUnavailable, EmulatorCounter.FaultServiceUnavailable)]
    [InlineData(504, ErrorCodes.RequestTimeout, EmulatorCounter.FaultGatewayTimeout)]
    public async Task Server_errors_are_injected_before_the_request_is_carried_out(int status, string code, EmulatorCounter counter)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName);
        emulator.Emulator.Faults = new FaultOptions { ServerErrorShare = 1, ServerErrorStatuses = [status], TimeoutAppliedShare = 0 }.Resolve();

        await Json.AssertErrorAsync(await guest.PostMessageAsync("lost"), status, code);
        Assert.Equal(1, emulator.Emulator.Counters[counter]);
        Assert.DoesNotContain(emulator.Emulator.Conversation(guest.ConversationId)!.Transcript!, e => e.Body == "lost");
    }

    [Fact]
    public async Task A_gateway_timeout_after_apply_answers_504_although_the_message_was_posted()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName);
        emulator.Emulator.Faults = new FaultOptions { ServerErrorShare = 1, ServerErrorStatuses = [504], TimeoutAppliedShare = 1 }.Resolve();

        using var response = await guest.PostMessageAsync("did it arrive?");
        await Json.AssertErrorAsync(response, 504, ErrorCodes.RequestTimeout);
        Assert.Single(emulator.Emulator.Conversation(guest.ConversationId)!.Transcript!, e => e.Body == "did it arrive?");
        Assert.Equal(1, emulator.Emulator.Counters[EmulatorCounter.FaultGatewayTimeoutAfterApply]);
        await guest.WaitForFrameAsync(f => TestGuest.IsMessage(f, "did it arrive?"), "the echo of the message that was carried out");
    }

    [Fact]
    public async Task Latency_is_added_to_guest_requests_only()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.GuestAsync();
        emulator.Emulator.Faults = new FaultOptions { LatencyMin = TimeSpan.FromMilliseconds(300), LatencyMax = TimeSpan.FromMilliseconds(300) }.Resolve();

        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await guest.SendAsync(HttpMethod.Get, "/members")).StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"took {clock.Elapsed}");
        Assert.Equal(1, emulator.Emulator.Counters[EmulatorCounter.FaultDelayed]);
        await emulator.Http.GetAsync("/emulator/counters");
        Assert.Equal(1, emulator.Emulator.Counters[EmulatorCounter.FaultDelayed]);
    }

    [Fact]
    public async Task Sockets_are_dropped_after_their_random_life_and_counted()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.Faults.SocketDropMin = TimeSpan.FromMilliseconds(200);
            o.Faults.SocketDropMax = TimeSpan.FromMilliseconds(400);
        });
        await using var guest = await emulator.GuestAsync();
        await guest.AttachAsync();
        await guest.WaitForSocketEndAsync();

        Assert.Null(guest.CloseStatus);
        Assert.Equal(1, emulator.Emulator.Counters[EmulatorCounter.FaultSocketsDropped]);
    }

    [Fact]
    public async Task Heartbeats_are_withheld_when_told_and_counted()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.Timing.HeartbeatInterval = TimeSpan.FromMilliseconds(50);
            o.Faults.HeartbeatWithholdShare = 1;
        });
        await using var guest = await emulator.ConnectedGuestAsync();
        await Eventually.TrueAsync(() => emulator.Emulator.Counters[EmulatorCounter.FaultHeartbeatsWithheld] >= 5, "heartbeats withheld");

        Assert.DoesNotContain(guest.Frames, TestGuest.IsHeartbeat);
        Assert.Equal(0, emulator.Emulator.Counters[EmulatorCounter.HeartbeatsSent]);
    }

    [Fact]
    public async Task The_chaos_profile_can_be_switched_on_and_off_at_run_time_through_the_control_api()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var on = await emulator.Http.PutAsJsonAsync("/emulator/faults", new { profile = "chaos" });
        var settings = JsonNode.Parse(await on.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        Assert.Equal("chaos", settings["profile"]!.GetValue<string>());
        Assert.Equal(0.2, settings["throttleShare"]!.GetValue<double>());
        Assert.True(emulator.Emulator.Faults.DropsSockets);
        Assert.True(emulator.Emulator.Faults.HeartbeatWithholdShare > 0);
        Assert.Contains(503, emulator.Emulator.Faults.ServerErrorStatuses);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            using var response = await emulator.Http.PostAsync("/api/v2/webchat/guest/conversations", Json.Body(TestGuest.Request(), Json.Wire.CreateWebChatConversationRequest));
            statuses.Add(response.StatusCode);
        }

        var throttled = statuses.Count(s => s == HttpStatusCode.TooManyRequests);
        Assert.InRange(throttled, 15, 80);
        Assert.Equal(throttled, emulator.Emulator.Counters[EmulatorCounter.FaultThrottled]);

        using var off = await emulator.Http.PutAsJsonAsync("/emulator/faults", new { profile = "none" });
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.Equal(0, emulator.Emulator.Faults.ThrottleShare);
    }

    [Theory]
    [InlineData("""{"profile":"apocalypse"}""")]
    [InlineData("""{"throttleShare":1.5}""")]
    [InlineData("""{"throttleShare":0.7,"serverErrorShare":0.7}""")]
    [InlineData("""{"serverErrorStatuses":[500]}""")]
    [InlineData("""{"socketDropMin":"00:00:05","socketDropMax":"00:00:01"}""")]
    public async Task Impossible_fault_settings_are_refused_and_the_old_ones_stay(string json)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var response = await emulator.Http.PutAsync("/emulator/faults", Json.Body(json));
        await Json.AssertErrorAsync(response, 400, ErrorCodes.InvalidValue, "faults");
        Assert.Equal(FaultProfiles.None, emulator.Emulator.Faults.Profile);
        Assert.Equal(0, emulator.Emulator.Faults.ThrottleShare);
    }
}
