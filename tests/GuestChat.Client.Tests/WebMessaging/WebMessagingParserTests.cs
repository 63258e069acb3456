using System.Text;
using System.Text.Json.Nodes;
using GuestChat.Client.WebMessaging;

namespace GuestChat.Client.Tests.WebMessaging;

/// <summary>
/// The server frames of Web Messaging as Genesys's own transport SDK's unit tests expect them (its
/// Response.kt fixtures, values filled in), read into typed frames; and what a frame that is not one
/// becomes: never an exception.
/// </summary>
public sealed class WebMessagingParserTests
{
    [Fact]
    public void A_session_answer_says_whether_it_is_connected_new_and_read_only_with_its_limit()
    {
        var resumed = Assert.IsType<SessionResponse>(Parse("""{"type":"response","class":"SessionResponse","code":200,"body":{"connected":true,"newSession":false}}"""));
        Assert.Equal((true, false, false, 200, true), (resumed.Connected, resumed.NewSession, resumed.ReadOnly, resumed.Code, resumed.IsResponse));

        var fresh = Assert.IsType<SessionResponse>(Parse("""
            {"type":"response","class":"SessionResponse","code":200,"body":{"connected":true,"newSession":true,"readOnly":true,
             "maxCustomDataBytes":2048,"allowedMedia":{"inbound":{"fileTypes":[{"type":"video/mpg"}],"maxFileSizeKB":10240}},"blockedExtensions":[".ade",".adp"],
             "clearedExistingSession":true,"durationSeconds":86400,"expirationDate":1700000000}}
            """));
        Assert.Equal((true, true, 2048, true, 86400L, 1700000000L), (fresh.NewSession, fresh.ReadOnly, fresh.MaxCustomDataBytes, fresh.ClearedExistingSession, fresh.DurationSeconds, fresh.ExpirationDate));
    }

    [Fact]
    public void The_guests_own_message_comes_back_inbound_with_its_tracing_id()
    {
        var echoed = Assert.IsType<StructuredMessageFrame>(Parse("""
            {"type":"message","class":"StructuredMessage","code":200,"body":{"text":"Where is my parcel?","type":"Text","direction":"Inbound","id":"m-1",
             "channel":{"time":"2026-11-26T10:00:00.123Z","messageId":"m-1"},"metadata":{"customMessageId":"c-7"}},"tracingId":"t-42"}
            """));

        Assert.Equal(("t-42", "m-1", "Where is my parcel?", true, false), (echoed.TracingId, echoed.Message.Id, echoed.Message.Text, echoed.Message.IsInbound, echoed.IsResponse));
        Assert.Equal("2026-11-26T10:00:00.123Z", echoed.Message.Time);
    }

    [Fact]
    public void An_agents_message_typing_and_disconnect_are_outbound_with_their_events()
    {
        var message = Assert.IsType<StructuredMessageFrame>(Parse("""
            {"type":"message","class":"StructuredMessage","code":200,"body":{"direction":"Outbound","id":"msg_id","channel":{"time":"some_time","type":"Private","from":{"nickname":"Alice"}},
             "type":"Text","text":"Hi","originatingEntity":"Human"}}
            """)).Message;
        Assert.Equal(("Hi", "Alice", "Human", false, false), (message.Text, message.SenderNickname, message.OriginatingEntity, message.IsInbound, message.EndsConversation));

        var typing = Assert.IsType<StructuredMessageFrame>(Parse("""
            {"type":"message","class":"StructuredMessage","code":200,"body":{"direction":"Outbound","id":"e1","type":"Event",
             "events":[{"eventType": "Typing","typing": {"type": "On","duration": 5000}},{"eventType":"Fake","bloop":{"bip":"bop"}}]}}
            """)).Message;
        Assert.Equal([new MessagingEvent("Typing", "On", 5000), new MessagingEvent("Fake", null, null)], typing.Events);

        var end = Assert.IsType<StructuredMessageFrame>(Parse("""
            {"type":"message","class":"StructuredMessage","code":200,"body":{"direction":"Outbound","id":"e2","type":"Event",
             "events":[{"eventType":"Presence","presence":{"type":"Disconnect"}}],"metadata":{"readOnly":"true"}}}
            """)).Message;
        Assert.True(end.EndsConversation);
    }

    [Fact]
    public void The_echo_answer_is_a_ping_response_with_the_health_check_tracing_id()
    {
        var echo = Assert.IsType<StructuredMessageFrame>(Parse("""
            {"type":"response","class":"StructuredMessage","code":200,"body":{"text":"ping","type":"Text","direction":"Inbound","id":"echo_id"}, "tracingId":"SGVhbHRoQ2hlY2tNZXNzYWdlSWQ=" }
            """));

        Assert.Equal((WebMessagingRequests.EchoTracingId, "ping", true), (echo.TracingId, echo.Message.Text, echo.IsResponse));
    }

    [Theory]
    [InlineData("""{"type": "response","class": "string","code": 4006,"body": "session expired error message"}""", 4006, "session expired error message")]
    [InlineData("""{"type": "response","class": "string","code": 4007,"body": "session not found error message"}""", 4007, "session not found error message")]
    [InlineData("""{"type": "response","class": "string","code": 4011,"body": "message too long"}""", 4011, "message too long")]
    [InlineData("""{"type":"response","class":"string","code":4013,"body":"Custom Attributes in channel metadata is larger than 2048 bytes"}""", 4013, "Custom Attributes in channel metadata is larger than 2048 bytes")]
    [InlineData("""{"type":"response","class":"string","code":4020,"body":"Missing parameter"}""", 4020, "Missing parameter")]
    [InlineData("""{"type":"response","class":"string","code":403,"body":"Turn on the Feature Toggle or fix the configuration."}""", 403, "Turn on the Feature Toggle or fix the configuration.")]
    [InlineData("""{"type":"response","class":"string","code":5000,"body":"Request failed."}""", 5000, "Request failed.")]
    public void An_error_answer_keeps_its_code_and_text(string frame, int code, string text)
    {
        var error = Assert.IsType<ErrorResponse>(Parse(frame));

        Assert.Equal((code, text), (error.Code, error.Message));
    }

    [Fact]
    public void Too_many_requests_says_when_to_send_again()
    {
        var limited = Assert.IsType<TooManyRequests>(Parse("""{"type":"response","class":"TooManyRequestsErrorMessage","code":429,"body":{"retryAfter":3,"errorCode":4029,"errorMessage":"Message rate too high for this session"}}"""));

        Assert.Equal((429, 3, 4029, "Message rate too high for this session"), (limited.Code, limited.RetryAfterSeconds, limited.ErrorCode, limited.ErrorMessage));
    }

    [Theory]
    [InlineData("""{"type": "response","class": "SessionExpiredEvent","code": 200,"body": {}}""", "SessionExpiredEvent", null)]
    [InlineData("""{"type":"message","class":"ConnectionClosedEvent","code":200,"body":{}}""", "ConnectionClosedEvent", null)]
    [InlineData("""{"type":"message","class":"ConnectionClosedEvent","code":200,"body":{"reason":"SignedIn"}}""", "ConnectionClosedEvent", "SignedIn")]
    [InlineData("""{"type":"message","class":"SessionClearedEvent","code":200,"body":{}}""", "SessionClearedEvent", null)]
    [InlineData("""{"type":"message","class":"LogoutEvent","code":200,"body":{}}""", "LogoutEvent", null)]
    public void A_session_event_names_its_class_and_reason(string frame, string kind, string? reason)
    {
        var session = Assert.IsType<SessionEvent>(Parse(frame));

        Assert.Equal((kind, reason), (session.Class, session.Reason));
    }

    [Fact]
    public void The_jwt_answer_carries_the_token_and_never_prints_it()
    {
        var jwt = Assert.IsType<JwtResponse>(Parse("""{"type":"response","class":"JwtResponse","code":200,"body":{"jwt":"some_jwt","exp":333}}"""));

        Assert.Equal(("some_jwt", 333L), (jwt.Jwt, jwt.Expires));
        Assert.DoesNotContain("some_jwt", jwt.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_class_this_client_does_not_use_is_unknown_not_an_error()
    {
        var upload = Assert.IsType<UnknownFrame>(Parse("""{"type":"message","class":"UploadSuccessEvent","code":200,"body":{"attachmentId":"test_attachment_id","downloadUrl":"https://downloadurl.png","timestamp":"2022-08-22T19:24:26.704Z"}}"""));

        Assert.Equal("UploadSuccessEvent", upload.Class);
    }

    [Theory]
    [InlineData("not json", "Malformed JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("""{"type":"response","code":200,"body":{}}""", "no class")]
    [InlineData("""{"type":"response","class":"SessionResponse","body":{"connected":true}}""", "no code")]
    [InlineData("""{"type":"response","class":"SessionResponse","code":"200","body":{"connected":true}}""", "code is not a whole number")]
    [InlineData("""{"type":"response","class":"SessionResponse","code":200,"body":"yes"}""", "body is not an object")]
    [InlineData("""{"type":"response","class":"SessionResponse","code":200,"body":{"connected":"yes"}}""", "connected is not a boolean")]
    [InlineData("""{"type":"message","class":"StructuredMessage","code":200,"body":{"text":7}}""", "text is not a string")]
    [InlineData("""{"type":"message","class":"StructuredMessage","code":200,"body":{"events":{}}}""", "events is not an array")]
    [InlineData("""{"type":"message","class":"StructuredMessage","code":200,"body":{"events":[{"typing":{}}]}}""", "no eventType")]
    [InlineData("""{"type":"response","class":"JwtResponse","code":200,"body":{"exp":1}}""", "no jwt")]
    [InlineData("""{"type":"response","class":"TooManyRequestsErrorMessage","code":429,"body":{"retryAfter":99999999999}}""", "out of range")]
    public void A_frame_that_is_not_one_is_unreadable_with_the_reason(string frame, string reason)
    {
        var unreadable = Assert.IsType<UnreadableFrame>(Parse(frame));

        Assert.Contains(reason, unreadable.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_frame_is_refused_unread()
    {
        var huge = "{\"type\":\"message\",\"class\":\"StructuredMessage\",\"code\":200,\"body\":{\"text\":\"" + new string('x', WebMessagingParser.MaxFrameBytes) + "\"}}";

        Assert.Contains("exceeds the limit", Assert.IsType<UnreadableFrame>(WebMessagingParser.Parse(huge)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_guests_requests_are_the_flat_actions_the_server_expects()
    {
        const string token = "00000000-0000-0000-0000-000000000000";

        Assert.Equal("""{"action":"configureSession","token":"00000000-0000-0000-0000-000000000000","deploymentId":"dep-1","startNew":false}""", Text(WebMessagingRequests.ConfigureSession(token, "dep-1")));
        Assert.Equal("""{"action":"onMessage","token":"00000000-0000-0000-0000-000000000000","tracingId":"t-1","message":{"type":"Event","events":[{"eventType":"Typing","typing":{"type":"On"}}]}}""", Text(WebMessagingRequests.TypingOn(token, "t-1")));
        Assert.Equal("""{"action":"echo","token":"00000000-0000-0000-0000-000000000000","tracingId":"SGVhbHRoQ2hlY2tNZXNzYWdlSWQ=","message":{"type":"Text","text":"ping"}}""", Text(WebMessagingRequests.Echo(token)));
        Assert.Equal("""{"action":"getJwt","token":"00000000-0000-0000-0000-000000000000","tracingId":"t-2"}""", Text(WebMessagingRequests.GetJwt(token, "t-2")));
        Assert.Equal("""{"action":"closeSession","token":"00000000-0000-0000-0000-000000000000","closeAllConnections":true}""", Text(WebMessagingRequests.CloseSession(token, closeAllConnections: true)));

        var sent = JsonNode.Parse(WebMessagingRequests.SendText(token, "Hello \"there\"", "t-3", new Dictionary<string, string> { ["order"] = "4711" }))!;
        Assert.Equal(("onMessage", "t-3", "Text", "Hello \"there\"", "4711"), (
            sent["action"]!.GetValue<string>(), sent["tracingId"]!.GetValue<string>(), sent["message"]!["type"]!.GetValue<string>(),
            sent["message"]!["text"]!.GetValue<string>(), sent["message"]!["channel"]!["metadata"]!["customAttributes"]!["order"]!.GetValue<string>()));
    }

    private static WebMessagingFrame Parse(string frame)
    {
        var fromText = WebMessagingParser.Parse(frame);
        var fromBytes = WebMessagingParser.Parse(Encoding.UTF8.GetBytes(frame));
        Assert.Equal(fromText.GetType(), fromBytes.GetType());
        return fromText;
    }

    private static string Text(byte[] utf8) => Encoding.UTF8.GetString(utf8);
}
