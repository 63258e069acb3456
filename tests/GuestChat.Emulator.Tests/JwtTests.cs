using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GuestChat.Client;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Tests.Support;

namespace GuestChat.Emulator.Tests;

public sealed class JwtTests
{
    [Fact]
    public async Task The_jwt_is_RS256_with_the_documented_claims_scoped_to_the_chat_and_guest()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Timing.JwtLifetime = TimeSpan.FromHours(21));
        await using var guest = await emulator.GuestAsync();

        var parts = guest.Jwt.Split('.');
        Assert.Equal(3, parts.Length);
        var header = JsonNode.Parse(Decode(parts[0]))!;
        var payload = JsonNode.Parse(Decode(parts[1]))!;
        Assert.Equal("RS256", header["alg"]!.GetValue<string>());
        Assert.Equal("JWT", header["typ"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(header["kid"]!.GetValue<string>()));
        Assert.Equal(guest.ConversationId, payload["data"]!["conv"]!.GetValue<string>());
        Assert.Equal(EmulatorDefaults.DeploymentId, payload["data"]!["did"]!.GetValue<string>());
        Assert.Equal(guest.MemberId, payload["data"]!["sub"]!.GetValue<string>());
        Assert.Equal(EmulatorDefaults.OrganizationId, payload["org"]!.GetValue<string>());
        Assert.Equal("urn:purecloud:webchat", payload["iss"]!.GetValue<string>());
        Assert.Equal(21 * 3600, payload["exp"]!.GetValue<long>() - payload["iat"]!.GetValue<long>());
        Assert.Equal(256, Base64UrlLength(parts[2]));
    }

    [Fact]
    public async Task No_bearer_token_is_401_authentication_required()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.GuestAsync();
        using var response = await emulator.Http.GetAsync(guest.Path + "/members");
        await Json.AssertErrorAsync(response, 401, ErrorCodes.AuthenticationRequired);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJkYXRhIjp7fX0.")]
    public async Task A_garbage_token_is_401_bad_credentials(string token)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.GuestAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, guest.Path + "/members");
        request.Headers.Authorization = Json.Bearer(token);
        await Json.AssertErrorAsync(await emulator.Http.SendAsync(request), 401, ErrorCodes.BadCredentials);
    }

    [Fact]
    public async Task A_token_with_altered_claims_fails_its_signature_and_is_401_bad_credentials()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.GuestAsync();
        var parts = guest.Jwt.Split('.');
        var payload = JsonNode.Parse(Decode(parts[1]))!;
        payload["exp"] = payload["exp"]!.GetValue<long>() + 3600;
        var forged = $"{parts[0]}.{Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_')}.{parts[2]}";
        using var request = new HttpRequestMessage(HttpMethod.Get, guest.Path + "/members");
        request.Headers.Authorization = Json.Bearer(forged);
        await Json.AssertErrorAsync(await emulator.Http.SendAsync(request), 401, ErrorCodes.BadCredentials);
    }

    [Fact]
    public async Task The_bearer_prefix_is_matched_without_regard_to_case()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.GuestAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, guest.Path + "/members");
        request.Headers.TryAddWithoutValidation("Authorization", "bearer " + guest.Jwt);
        Assert.Equal(HttpStatusCode.OK, (await emulator.Http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task An_expired_token_is_401_credentials_expired_on_the_api_and_the_event_stream()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Timing.JwtLifetime = TimeSpan.FromSeconds(1));
        await using var guest = await emulator.GuestAsync();

        HttpResponseMessage response;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        do
        {
            await Task.Delay(50);
            response = await guest.SendAsync(HttpMethod.Get, "/members");
        }
        while (response.StatusCode == HttpStatusCode.OK && !deadline.IsCancellationRequested);

        await Json.AssertErrorAsync(response, 401, ErrorCodes.CredentialsExpired);
        var upgrade = await emulator.Http.GetAsync(guest.EventStreamUri.AbsolutePath);
        Assert.Equal(HttpStatusCode.BadRequest, upgrade.StatusCode);
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => socket.ConnectAsync(guest.EventStreamUri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }

    [Fact]
    public async Task A_token_for_another_conversation_is_403_not_authorized()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var mine = await emulator.GuestAsync();
        await using var theirs = await emulator.GuestAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, theirs.Path + "/messages");
        request.Headers.Authorization = Json.Bearer(mine.Jwt);
        await Json.AssertErrorAsync(await emulator.Http.SendAsync(request), 403, ErrorCodes.NotAuthorized);
    }

    [Fact]
    public async Task Acting_as_another_member_is_refused_and_an_unknown_member_is_404()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync();
        var agentId = await guest.WaitForAgentAsync();

        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Post, $"/members/{agentId}/messages", Json.Body("""{"body":"I am the agent now"}""")), 400, ErrorCodes.MemberState);
        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Post, $"/members/{agentId}/typing"), 400, ErrorCodes.MemberState);
        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Delete, $"/members/{agentId}"), 400, ErrorCodes.MemberState);
        await Json.AssertErrorAsync(await guest.SendAsync(HttpMethod.Delete, $"/members/{Guid.NewGuid()}"), 404, ErrorCodes.ChatNotFound);
        var transcript = emulator.Emulator.Conversation(guest.ConversationId)!.Transcript!;
        Assert.DoesNotContain(transcript, m => m.Body == "I am the agent now");
    }

    private static string Decode(string part) => Encoding.UTF8.GetString(Convert.FromBase64String(Pad(part.Replace('-', '+').Replace('_', '/'))));

    private static int Base64UrlLength(string part) => Convert.FromBase64String(Pad(part.Replace('-', '+').Replace('_', '/'))).Length;

    private static string Pad(string s) => s + new string('=', (4 - (s.Length % 4)) % 4);
}
