using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using GuestChat.Client.Models;
using GuestChat.Client.Serialization;

namespace GuestChat.Client.Tests;

/// <summary>The models match the protocol page field for field: every documented name, camelCase, nothing else.</summary>
public sealed class WireModelTests
{
    private static readonly GuestChatJsonContext Json = GuestChatJsonContext.Default;

    [Fact]
    public void The_create_request_has_the_documented_fields()
    {
        var request = new CreateWebChatConversationRequest
        {
            OrganizationId = "o", DeploymentId = "d",
            RoutingTarget = new WebChatRoutingTarget { TargetType = RoutingTargetType.Queue, TargetAddress = "q", Skills = ["s"], Language = "en", Priority = 1 },
            MemberInfo = new GuestMemberInfo { DisplayName = "n", FirstName = "f", LastName = "l", Email = "e", PhoneNumber = "p", AvatarImageUrl = "a", CustomFields = new Dictionary<string, string> { ["k"] = "v" } },
            MemberAuthToken = "t",
            JourneyContext = new JourneyContext
            {
                Customer = new JourneyCustomer { Id = "c", IdType = "cookie" },
                CustomerSession = new JourneyCustomerSession { Id = "s", Type = "web" },
                TriggeringAction = new JourneyAction { Id = "a", ActionMap = new JourneyActionMap { Id = "m", Version = 2 } },
            },
        };
        var json = Serialize(request, Json.CreateWebChatConversationRequest);
        Assert.Equal(["organizationId", "deploymentId", "routingTarget", "memberInfo", "memberAuthToken", "journeyContext"], Keys(json));
        Assert.Equal(["targetType", "targetAddress", "skills", "language", "priority"], Keys(json["routingTarget"]!));
        Assert.Equal("QUEUE", json["routingTarget"]!["targetType"]!.GetValue<string>());
        Assert.Equal(["displayName", "firstName", "lastName", "email", "phoneNumber", "avatarImageUrl", "customFields"], Keys(json["memberInfo"]!));
        Assert.Equal(["customer", "customerSession", "triggeringAction"], Keys(json["journeyContext"]!));
        Assert.Equal(["id", "actionMap"], Keys(json["journeyContext"]!["triggeringAction"]!));
    }

    [Fact]
    public void Members_messages_and_media_requests_have_the_documented_fields()
    {
        var member = Serialize(new WebChatMemberInfo
        {
            Id = "i", DisplayName = "d", FirstName = "f", LastName = "l", Email = "e", PhoneNumber = "p", AvatarImageUrl = "a",
            Role = MemberRole.Acd, JoinDate = DateTimeOffset.UnixEpoch, LeaveDate = DateTimeOffset.UnixEpoch,
            AuthenticatedGuest = true, CustomFields = new Dictionary<string, string>(), State = MemberState.Alerting,
        }, Json.WebChatMemberInfo);
        Assert.Equal(["id", "displayName", "firstName", "lastName", "email", "phoneNumber", "avatarImageUrl", "role", "joinDate", "leaveDate", "authenticatedGuest", "customFields", "state"], Keys(member));
        Assert.Equal(("ACD", "ALERTING", "1970-01-01T00:00:00.000Z"), (member["role"]!.GetValue<string>(), member["state"]!.GetValue<string>(), member["joinDate"]!.GetValue<string>()));

        var message = Serialize(new WebChatMessage
        {
            Id = "i", Name = "n", Conversation = new WebChatConversation { Id = "c", SelfUri = "u" }, Sender = new WebChatMemberInfo { Id = "s" },
            Body = "b", BodyType = BodyType.MemberLeave, Timestamp = DateTimeOffset.UnixEpoch, SelfUri = "u",
        }, Json.WebChatMessage);
        Assert.Equal(["id", "name", "conversation", "sender", "body", "bodyType", "timestamp", "selfUri"], Keys(message));
        Assert.Equal("member-leave", message["bodyType"]!.GetValue<string>());

        var media = Serialize(new WebChatGuestMediaRequest
        {
            Id = "i", Name = "n", Types = [MediaType.Screenshare], State = MediaRequestState.TimedOut, CommunicationId = "c", SecurityKey = "k", SelfUri = "u",
        }, Json.WebChatGuestMediaRequest);
        Assert.Equal(["id", "name", "types", "state", "communicationId", "securityKey", "selfUri"], Keys(media));
        Assert.Equal(("SCREENSHARE", "TIMEDOUT"), (media["types"]![0]!.GetValue<string>(), media["state"]!.GetValue<string>()));

        var list = Serialize(new WebChatMemberInfoEntityList { Entities = [], PageSize = 1, PageNumber = 1, Total = 1, FirstUri = "f", SelfUri = "s", NextUri = "n", PreviousUri = "p", LastUri = "l", PageCount = 1 }, Json.WebChatMemberInfoEntityList);
        Assert.Equal(["entities", "pageSize", "pageNumber", "total", "firstUri", "selfUri", "nextUri", "previousUri", "lastUri", "pageCount"], Keys(list));
        var page = Serialize(new WebChatMessageEntityList { PageSize = 1, Entities = [], PreviousPage = "p", Next = "n", SelfUri = "s" }, Json.WebChatMessageEntityList);
        Assert.Equal(["pageSize", "entities", "previousPage", "next", "selfUri"], Keys(page));
    }

    [Fact]
    public void An_error_body_reads_the_real_guest_chat_error()
    {
        const string real = """
            { "message": "Conversation State", "code": "chat.error.conversation.state", "status": 400,
              "messageWithParams": "Conversation State", "messageParams": { "message": "The conversation is not active" },
              "contextId": "9cfabc07-bd3c-4119-ada9-88f135942b2e", "details": [], "errors": [] }
            """;
        var error = JsonSerializer.Deserialize(real, Json.ErrorBody)!;
        Assert.Equal(("chat.error.conversation.state", 400, "9cfabc07-bd3c-4119-ada9-88f135942b2e"), (error.Code, error.Status, error.ContextId));
        Assert.Equal("The conversation is not active", error.MessageParams!["message"]);
    }

    [Fact]
    public void Enum_values_are_read_without_regard_to_case_and_numbers_are_refused()
    {
        var target = JsonSerializer.Deserialize("""{"targetType":"queue","targetAddress":"q"}""", Json.WebChatRoutingTarget)!;
        Assert.Equal(RoutingTargetType.Queue, target.TargetType);
        Assert.Throws<WireValueException>(() => JsonSerializer.Deserialize("""{"targetType":0}""", Json.WebChatRoutingTarget));
    }

    [Fact]
    public void Enum_values_written_with_escapes_read_as_their_names_and_an_unknown_one_is_named_in_the_refusal()
    {
        // The name is looked up from its characters without a string: escapes must come out as the name they spell.
        var escaped = JsonSerializer.Deserialize("""{"targetType":"\u0051UEUE","targetAddress":"q"}""", Json.WebChatRoutingTarget)!;
        Assert.Equal(RoutingTargetType.Queue, escaped.TargetType);

        var unknown = Assert.Throws<WireValueException>(() => JsonSerializer.Deserialize("""{"targetType":"queues"}""", Json.WebChatRoutingTarget));
        Assert.Contains("queues is not one of", unknown.Message, StringComparison.Ordinal);
        var longName = new string('q', 500);
        Assert.Contains($"{longName} is not one of", Assert.Throws<WireValueException>(() => JsonSerializer.Deserialize($$"""{"targetType":"{{longName}}"}""", Json.WebChatRoutingTarget)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_that_carry_tokens_print_without_them()
    {
        var response = new CreateWebChatConversationResponse { Id = "c-1", Jwt = "secret.jwt.value", EventStreamUri = "wss://h/chat/jwt/secret.jwt.value", Member = new WebChatMemberInfo { Id = "m-1" } };
        var request = new CreateWebChatConversationRequest { OrganizationId = "o", MemberAuthToken = "signed.data.token", MemberInfo = new GuestMemberInfo { DisplayName = "Jo" } };

        Assert.DoesNotContain("secret.jwt.value", response.ToString(), StringComparison.Ordinal);
        Assert.Contains("c-1", response.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("signed.data.token", request.ToString(), StringComparison.Ordinal);
        Assert.Contains("Jo", request.ToString(), StringComparison.Ordinal);
    }

    private static JsonNode Serialize<T>(T value, JsonTypeInfo<T> typeInfo) => JsonNode.Parse(JsonSerializer.Serialize(value, typeInfo))!;

    private static string[] Keys(JsonNode node) => node.AsObject().Select(p => p.Key).ToArray();
}
