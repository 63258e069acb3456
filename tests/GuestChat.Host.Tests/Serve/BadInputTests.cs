using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace GuestChat.Host.Tests.Serve;

/// <summary>Whatever a caller sends, the service answers with a status and an ErrorBody that says what is wrong, and keeps serving.</summary>
public sealed class BadInputTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Health_needs_no_key_and_everything_else_refuses_a_missing_or_wrong_key()
    {
        Assert.Equal(HttpStatusCode.OK, (await service.Anonymous.GetAsync("/healthz")).StatusCode);

        var missing = await service.Anonymous.GetAsync("/chats");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("api.key.required", (await Error(missing))["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Anonymous.GetAsync("/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Anonymous.PostAsync("/chats", Json("""{"memberInfo":{"displayName":"x"}}"""))).StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/chats");
        wrong.Headers.Add("X-Api-Key", ServiceFixture.ApiKey + "x");
        var refused = await service.Anonymous.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("api.key.invalid", (await Error(refused))["code"]!.GetValue<string>());

        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/chats");
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServiceFixture.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await service.Anonymous.SendAsync(bearer)).StatusCode);
    }

    [Theory]
    [InlineData("""{"memberInfo":{"displayName":"x"}""", 400, "bad.request", null)]
    [InlineData("""{"key":"bad key!","memberInfo":{"displayName":"x"}}""", 400, "invalid.value", "key")]
    [InlineData("""{"key":7,"memberInfo":{"displayName":"x"}}""", 400, "invalid.value", "key")]
    [InlineData("""{"memberInfo":{}}""", 400, "missing.value", "memberInfo.displayName")]
    [InlineData("""{}""", 400, "missing.value", "memberInfo.displayName")]
    [InlineData("""{"memberInfo":{"displayName":"x"},"routingTarget":{"targetType":"SKILL"}}""", 400, "invalid.value", "routingTarget.targetType")]
    [InlineData("""{"memberInfo":{"displayName":"x"},"mood":"happy"}""", 400, "invalid.value", "mood")]
    [InlineData("""[1,2]""", 400, "bad.request", null)]
    public async Task A_bad_create_is_refused_naming_the_field(string json, int status, string code, string? field)
    {
        var response = await service.PostAsync("/chats", json);

        await AssertError(response, status, code, field);
    }

    [Fact]
    public async Task A_create_that_genesys_refuses_comes_back_as_400_with_the_genesys_code_and_field()
    {
        var response = await service.PostAsync("/chats", """{"key":"refused-1","deploymentId":"00000000-0000-0000-0000-000000000000","memberInfo":{"displayName":"x"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await Error(response);
        Assert.Equal("deploymentId", error["details"]![0]!["fieldName"]!.GetValue<string>());
        Assert.Contains("Genesys refused", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bodies_of_the_wrong_type_size_or_shape_are_refused_with_their_status()
    {
        await service.CreateActiveChatAsync("bad-send");

        await AssertError(await service.PostAsync("/chats/bad-send/messages", """{"body":"x"}""", "text/plain"), 415, "unsupported.media.type", null);
        await AssertError(await service.Http.PostAsync("/chats/bad-send/messages", null), 400, "bad.request", null);
        await AssertError(await service.PostAsync("/chats/bad-send/messages", """{"body":5}"""), 400, "invalid.value", "body");
        await AssertError(await service.PostAsync("/chats/bad-send/messages", """{"bdy":"typo"}"""), 400, "invalid.value", "bdy");
        await AssertError(await service.PostAsync("/chats/bad-send/messages", """{"body":"  "}"""), 400, "missing.value", "body");
        await AssertError(await service.PostAsync("/chats/bad-send/messages", $$"""{"body":"{{new string('x', 4001)}}"}"""), 400, "invalid.value", "body");
        await AssertError(await service.PostAsync("/chats/bad-send/messages", """{"body":"x","bodyType":"shout"}"""), 400, "invalid.value", "bodyType");
        await AssertError(await service.PostAsync("/chats/bad-send/messages", $$"""{"body":"{{new string('x', 70_000)}}"}"""), 413, "request.entity.too.large", null);
        await AssertError(await service.PostAsync("/chats/bad-send/media-requests/m-1", """{"decision":"maybe"}"""), 400, "invalid.value", "decision");
        await AssertError(await service.PostAsync("/chats/bad-send/media-requests/m-1", """{}"""), 400, "missing.value", "decision");
        await AssertError(await service.Http.GetAsync("/chats?state=sleeping"), 400, "invalid.value", "state");

        // None of it touched the chat, which still works.
        Assert.Equal(HttpStatusCode.Created, (await service.PostAsync("/chats/bad-send/messages", """{"body":"still fine"}""")).StatusCode);
        Assert.Single((await service.WaitForStateAsync("bad-send", "Active"))["transcript"]!.AsArray(), l => l!["senderRole"]!.GetValue<string>() == "CUSTOMER" && l["bodyType"]!.GetValue<string>() == "standard");
    }

    [Fact]
    public async Task Unknown_chats_are_404_for_every_operation()
    {
        await AssertError(await service.Http.GetAsync("/chats/nobody"), 404, "chat.not.found", "key");
        await AssertError(await service.PostAsync("/chats/nobody/messages", """{"body":"x"}"""), 404, "chat.not.found", "key");
        await AssertError(await service.Http.PostAsync("/chats/nobody/typing", null), 404, "chat.not.found", "key");
        await AssertError(await service.PostAsync("/chats/nobody/media-requests/m-1", """{"decision":"decline"}"""), 404, "chat.not.found", "key");
        await AssertError(await service.Http.DeleteAsync("/chats/nobody"), 404, "chat.not.found", "key");
        await AssertError(await service.Http.GetAsync("/chats/nobody/events"), 404, "chat.not.found", "key");
        await AssertError(await service.Http.GetAsync("/chats/no%20such%20key!"), 404, "chat.not.found", "key");
    }

    [Fact]
    public async Task Wrong_methods_unknown_paths_and_a_taken_key_get_error_bodies()
    {
        await AssertError(await service.Http.PutAsync("/chats", Json("{}")), 405, "method.not.allowed", null);
        await AssertError(await service.Http.GetAsync("/chats/x/messages"), 405, "method.not.allowed", null);
        await AssertError(await service.Http.GetAsync("/nowhere"), 404, "not.found", null);

        Assert.Equal(HttpStatusCode.Created, (await service.PostAsync("/chats", """{"key":"taken","memberInfo":{"displayName":"x"}}""")).StatusCode);
        await AssertError(await service.PostAsync("/chats", """{"key":"taken","memberInfo":{"displayName":"y"}}"""), 409, "chat.exists", "key");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonObject> Error(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    private static async Task AssertError(HttpResponseMessage response, int status, string code, string? field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        var error = JsonNode.Parse(text)!;
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Equal(status, error["status"]!.GetValue<int>());
        Assert.Equal(response.Headers.GetValues("X-Correlation-Id").Single(), error["contextId"]!.GetValue<string>());
        Assert.Equal(field, error["details"]?[0]?["fieldName"]?.GetValue<string>());
    }
}
