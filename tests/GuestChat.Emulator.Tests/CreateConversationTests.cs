using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GuestChat.Client;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Tests.Support;

namespace GuestChat.Emulator.Tests;

public sealed class CreateConversationTests
{
    private const string CreatePath = "/api/v2/webchat/guest/conversations";

    [Fact]
    public async Task Create_answers_200_with_id_jwt_event_stream_uri_and_the_guest_member_id()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var response = await emulator.Http.PostAsync(CreatePath, Json.Body(TestGuest.Request(), Json.Wire.CreateWebChatConversationRequest));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Guid.TryParse(response.Headers.GetValues(GuestChatPaths.CorrelationHeader).Single(), out _));
        var body = await Json.NodeAsync(response);
        var id = body["id"]!.GetValue<string>();
        var jwt = body["jwt"]!.GetValue<string>();
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal($"ws://{emulator.Emulator.BaseUrl.Authority}/chat/jwt/{jwt}", body["eventStreamUri"]!.GetValue<string>());
        Assert.Equal(["id"], body["member"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task The_guest_member_carries_what_the_request_said_about_it()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var request = new JsonObject
        {
            ["organizationId"] = EmulatorDefaults.OrganizationId,
            ["deploymentId"] = EmulatorDefaults.DeploymentId,
            ["routingTarget"] = new JsonObject { ["targetType"] = "queue", ["targetAddress"] = "chat queue", ["skills"] = new JsonArray("billing"), ["language"] = "en-us", ["priority"] = 5 },
            ["memberInfo"] = new JsonObject
            {
                ["displayName"] = "Jo Guest", ["firstName"] = "Jo", ["lastName"] = "Guest", ["email"] = "jo@example.com",
                ["phoneNumber"] = "+1 555 0100", ["avatarImageUrl"] = "https://example.com/jo.png",
                ["customFields"] = new JsonObject { ["account"] = "42" }, ["profileImageUrl"] = "ignored, as real servers did",
            },
            ["journeyContext"] = new JsonObject { ["customer"] = new JsonObject { ["id"] = "c-1", ["idType"] = "cookie" } },
        };
        using var created = await emulator.Http.PostAsync(CreatePath, Json.Body(request.ToJsonString()));
        var body = await Json.NodeAsync(created);
        using var get = new HttpRequestMessage(HttpMethod.Get, $"{CreatePath}/{body["id"]}/members/{body["member"]!["id"]}");
        get.Headers.Authorization = Json.Bearer(body["jwt"]!.GetValue<string>());
        using var member = await emulator.Http.SendAsync(get);
        var info = await Json.ReadAsync(member, Json.Wire.WebChatMemberInfo);

        Assert.Equal("Jo Guest", info.DisplayName);
        Assert.Equal("jo@example.com", info.Email);
        Assert.Equal("+1 555 0100", info.PhoneNumber);
        Assert.Equal("42", info.CustomFields!["account"]);
        Assert.Equal(Client.Models.MemberRole.Customer, info.Role);
        Assert.False(info.AuthenticatedGuest);
        Assert.Null(info.LeaveDate);
    }

    public static TheoryData<string, int, string, string?> InvalidRequests => new()
    {
        { """{"deploymentId":"2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30","routingTarget":{"targetType":"QUEUE","targetAddress":"Chat Queue"},"memberInfo":{"displayName":"x"}}""", 400, "chat.error.notnull.createconversationrequest.organizationid", "organizationId" },
        { """{"organizationId":"00000000-0000-0000-0000-000000000001","deploymentId":"2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30","routingTarget":{"targetType":"QUEUE","targetAddress":"Chat Queue"},"memberInfo":{"displayName":"x"}}""", 400, ErrorCodes.InvalidValue, "organizationId" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","routingTarget":{"targetType":"QUEUE","targetAddress":"Chat Queue"},"memberInfo":{"displayName":"x"}}""", 400, "chat.error.notnull.createconversationrequest.deploymentid", "deploymentId" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"not-a-guid","routingTarget":{"targetType":"QUEUE","targetAddress":"Chat Queue"},"memberInfo":{"displayName":"x"}}""", 400, ErrorCodes.DeploymentIdPattern, "deploymentId" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"11111111-1111-1111-1111-111111111111","routingTarget":{"targetType":"QUEUE","targetAddress":"Chat Queue"},"memberInfo":{"displayName":"x"}}""", 400, ErrorCodes.InvalidValue, "deploymentId" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0","routingTarget":{"targetType":"QUEUE","targetAddress":"Chat Queue"},"memberInfo":{"displayName":"x"}}""", 400, ErrorCodes.DeploymentDisabled, "deploymentId" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30","memberInfo":{"displayName":"x"}}""", 400, ErrorCodes.RoutingTargetRequired, "routingTarget" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30","routingTarget":{"targetAddress":"Chat Queue"},"memberInfo":{"displayName":"x"}}""", 400, ErrorCodes.RoutingTargetInvalid, "routingTarget.targetType" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30","routingTarget":{"targetType":"SKILL","targetAddress":"Chat Queue"},"memberInfo":{"displayName":"x"}}""", 400, ErrorCodes.InvalidValue, "routingTarget.targetType" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30","routingTarget":{"targetType":"QUEUE"},"memberInfo":{"displayName":"x"}}""", 400, ErrorCodes.RoutingTargetInvalid, "routingTarget.targetAddress" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30","routingTarget":{"targetType":"QUEUE","targetAddress":"No Such Queue"},"memberInfo":{"displayName":"x"}}""", 400, ErrorCodes.InvalidQueue, "routingTarget.targetAddress" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30","routingTarget":{"targetType":"QUEUE","targetAddress":"Chat Queue","priority":"high"},"memberInfo":{"displayName":"x"}}""", 400, ErrorCodes.InvalidValue, "routingTarget.priority" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30","routingTarget":{"targetType":"QUEUE","targetAddress":"Chat Queue"}}""", 400, "chat.error.notnull.createconversationrequest.memberinfo", "memberInfo" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30","routingTarget":{"targetType":"QUEUE","targetAddress":"Chat Queue"},"memberInfo":{"firstName":"x"}}""", 400, ErrorCodes.DisplayNameRequired, "memberInfo.displayName" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30","routingTarget":{"targetType":"QUEUE","targetAddress":"Chat Queue"},"memberInfo":{"displayName":"x"},"journeyContext":{"customer":{"id":"c"}}}""", 400, ErrorCodes.ConstraintValidation, "journeyContext.customer" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"9e8f7a6b-5c4d-4e3f-8a1b-0c9d8e7f6a52","routingTarget":{"targetType":"QUEUE","targetAddress":"Chat Queue"},"memberInfo":{"displayName":"x"}}""", 400, ErrorCodes.DeploymentRequiresAuth, "memberAuthToken" },
        { """{"organizationId":"6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10","deploymentId":"9e8f7a6b-5c4d-4e3f-8a1b-0c9d8e7f6a52","routingTarget":{"targetType":"QUEUE","targetAddress":"Chat Queue"},"memberInfo":{"displayName":"x"},"memberAuthToken":"forged.token.value"}""", 400, ErrorCodes.DeploymentBadAuth, "memberAuthToken" },
        { """{"organizationId":""", 400, ErrorCodes.BadRequest, null },
        { """[1,2,3]""", 400, ErrorCodes.BadRequest, null },
        { """null""", 400, ErrorCodes.BadRequest, null },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task An_invalid_create_request_gets_the_documented_error_naming_the_field(string json, int status, string code, string? field)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var response = await emulator.Http.PostAsync(CreatePath, Json.Body(json));
        await Json.AssertErrorAsync(response, status, code, field);
        Assert.Equal(0, emulator.Emulator.Counters[Control.EmulatorCounter.ChatsCreated]);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415_and_a_missing_body_is_400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var text = await emulator.Http.PostAsync(CreatePath, new StringContent("organizationId=x", System.Text.Encoding.UTF8, "text/plain"));
        await Json.AssertErrorAsync(text, 415, ErrorCodes.UnsupportedMediaType);
        using var empty = await emulator.Http.PostAsync(CreatePath, Json.Body(""));
        await Json.AssertErrorAsync(empty, 400, ErrorCodes.BadRequest);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var huge = new JsonObject { ["memberInfo"] = new JsonObject { ["displayName"] = new string('x', 200_000) } };
        using var response = await emulator.Http.PostAsync(CreatePath, Json.Body(huge.ToJsonString()));
        await Json.AssertErrorAsync(response, 413, ErrorCodes.RequestEntityTooLarge);
    }

    [Fact]
    public async Task An_origin_the_deployment_does_not_allow_is_403()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
            o.Deployments = [new DeploymentOptions { Id = EmulatorDefaults.DeploymentId, Name = "Site", AllowedOrigins = ["https://shop.example.com"] }]);
        using var refused = new HttpRequestMessage(HttpMethod.Post, CreatePath) { Content = Json.Body(TestGuest.Request(), Json.Wire.CreateWebChatConversationRequest) };
        refused.Headers.Add("Origin", "https://evil.example.com");
        await Json.AssertErrorAsync(await emulator.Http.SendAsync(refused), 403, ErrorCodes.OriginNotAllowed);
        using var allowed = new HttpRequestMessage(HttpMethod.Post, CreatePath) { Content = Json.Body(TestGuest.Request(), Json.Wire.CreateWebChatConversationRequest) };
        allowed.Headers.Add("Origin", "https://shop.example.com");
        Assert.Equal(HttpStatusCode.OK, (await emulator.Http.SendAsync(allowed)).StatusCode);
    }

    [Fact]
    public async Task An_authenticated_deployment_accepts_signed_data_and_marks_the_guest_authenticated()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signed = await emulator.Http.PostAsJsonAsync("/emulator/signeddata", new { data = new Dictionary<string, string> { ["customerId"] = "c-77" } });
        var token = (await Json.NodeAsync(signed))["jwt"]!.GetValue<string>();
        var request = TestGuest.Request(deploymentId: EmulatorDefaults.AuthenticatedDeploymentId) with { MemberAuthToken = token };

        using var created = await emulator.Http.PostAsync(CreatePath, Json.Body(request, Json.Wire.CreateWebChatConversationRequest));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var body = await Json.NodeAsync(created);
        using var get = new HttpRequestMessage(HttpMethod.Get, $"{CreatePath}/{body["id"]}/members/{body["member"]!["id"]}");
        get.Headers.Authorization = Json.Bearer(body["jwt"]!.GetValue<string>());
        var member = await Json.ReadAsync(await emulator.Http.SendAsync(get), Json.Wire.WebChatMemberInfo);
        Assert.True(member.AuthenticatedGuest);
    }
}
