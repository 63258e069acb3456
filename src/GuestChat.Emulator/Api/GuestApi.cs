using GuestChat.Client.Authentication;
using GuestChat.Client;
using GuestChat.Client.Models;
using GuestChat.Client.Serialization;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Security;
using GuestChat.Emulator.Streaming;

namespace GuestChat.Emulator.Api;

/// <summary>The eleven guest operations at their exact paths, status codes and models.</summary>
internal static class GuestApi
{
    private const int MaxBodyLength = 4000;
    private const string Conversation = GuestChatPaths.Conversations + "/{conversationId}";

    public static IEndpointRouteBuilder MapGuestApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(GuestChatPaths.Conversations, CreateConversationAsync);
        routes.MapGet(Conversation + "/members", GetMembersAsync);
        routes.MapGet(Conversation + "/members/{memberId}", GetMemberAsync);
        routes.MapDelete(Conversation + "/members/{memberId}", DeleteMemberAsync);
        routes.MapPost(Conversation + "/members/{memberId}/messages", PostMessageAsync);
        routes.MapPost(Conversation + "/members/{memberId}/typing", PostTypingAsync);
        routes.MapGet(Conversation + "/messages", GetMessagesAsync);
        routes.MapGet(Conversation + "/messages/{messageId}", GetMessageAsync);
        routes.MapGet(Conversation + "/mediarequests", GetMediaRequestsAsync);
        routes.MapGet(Conversation + "/mediarequests/{mediaRequestId}", GetMediaRequestAsync);
        routes.MapPatch(Conversation + "/mediarequests/{mediaRequestId}", PatchMediaRequestAsync);
        return routes;
    }

    // 1. POST /conversations
    private static async Task CreateConversationAsync(HttpContext context)
    {
        var platform = Platform(context);
        var read = await RequestBody.ReadAsync(context, GuestChatJsonContext.Default.CreateWebChatConversationRequest);
        if (read.Error is { } readError)
        {
            await ApiResponses.WriteErrorAsync(context, readError);
            return;
        }

        var request = read.Value!;
        var origin = context.Request.Headers.Origin.ToString();
        var check = CreateConversationValidator.Validate(request, platform.Options, platform.Tokens, origin.Length == 0 ? null : origin);
        if (check.Error is { } invalid)
        {
            await ApiResponses.WriteErrorAsync(context, invalid);
            return;
        }

        var accepted = check.Value;
        var conversation = platform.Create(request, accepted.Deployment, accepted.Queue, accepted.Authenticated);
        await ApiResponses.WriteOkAsync(context, new CreateWebChatConversationResponse
        {
            Id = conversation.Id,
            Jwt = conversation.Jwt,
            EventStreamUri = EventStreamPaths.UriFor(context.Request, conversation.Jwt),
            Member = new WebChatMemberInfo { Id = conversation.Guest.Id },
        }, GuestChatJsonContext.Default.CreateWebChatConversationResponse);
    }

    // 2. GET /conversations/{conversationId}/members
    private static Task GetMembersAsync(HttpContext context) => AuthorizedAsync(context, (conversation, _) =>
    {
        var query = context.Request;
        var pageSize = QueryParameters.Int(query, "pageSize", 25, 1, 100);
        var pageNumber = QueryParameters.Int(query, "pageNumber", 1, 1, int.MaxValue);
        var exclude = QueryParameters.Bool(query, "excludeDisconnectedMembers", false);
        if ((pageSize.Error ?? pageNumber.Error ?? exclude.Error) is { } invalid)
        {
            return ApiResponses.WriteErrorAsync(context, invalid);
        }

        var members = conversation.Members(exclude.Value);
        return ApiResponses.WriteOkAsync(context, MemberPage.Of(conversation.Id, members, pageSize.Value, pageNumber.Value, exclude.Value),
            GuestChatJsonContext.Default.WebChatMemberInfoEntityList);
    });

    // 3. GET /conversations/{conversationId}/members/{memberId}
    private static Task GetMemberAsync(HttpContext context) => AuthorizedAsync(context, (conversation, _) =>
        conversation.Member(Route(context, "memberId")) is { } member
            ? ApiResponses.WriteOkAsync(context, member, GuestChatJsonContext.Default.WebChatMemberInfo)
            : ApiResponses.WriteErrorAsync(context, ChatError.NotFound("member", Route(context, "memberId"))));

    // 4. DELETE /conversations/{conversationId}/members/{memberId}
    private static Task DeleteMemberAsync(HttpContext context) => AuthorizedAsync(context, (conversation, claims) =>
    {
        var refusal = GuestAuthorization.RequireOwnMember(conversation, claims, Route(context, "memberId")) ?? conversation.GuestLeave();
        if (refusal is not null)
        {
            return ApiResponses.WriteErrorAsync(context, refusal);
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    });

    // 5. POST /conversations/{conversationId}/members/{memberId}/messages
    private static Task PostMessageAsync(HttpContext context) => AuthorizedAsync(context, async (conversation, claims) =>
    {
        if (GuestAuthorization.RequireOwnMember(conversation, claims, Route(context, "memberId")) is { } notYours)
        {
            await ApiResponses.WriteErrorAsync(context, notYours);
            return;
        }

        var read = await RequestBody.ReadAsync(context, GuestChatJsonContext.Default.CreateWebChatMessageRequest);
        if (read.Error is { } readError)
        {
            await ApiResponses.WriteErrorAsync(context, readError);
            return;
        }

        var request = read.Value!;
        if (string.IsNullOrEmpty(request.Body))
        {
            await ApiResponses.WriteErrorAsync(context, new ChatError(400, ErrorCodes.MessageBodyRequired, "body is required", "body"));
            return;
        }

        if (request.Body.Length > MaxBodyLength)
        {
            await ApiResponses.WriteErrorAsync(context, new ChatError(400, ErrorCodes.ConstraintValidation,
                $"body must be at most {MaxBodyLength} characters; it has {request.Body.Length}", "body"));
            return;
        }

        var bodyType = request.BodyType ?? BodyType.Standard;
        if (bodyType is not (BodyType.Standard or BodyType.Notice))
        {
            await ApiResponses.WriteErrorAsync(context, ChatError.Invalid("bodyType", "A guest may send only standard or notice messages"));
            return;
        }

        var posted = conversation.PostGuestMessage(request.Body, bodyType);
        await (posted.Error is { } refused
            ? ApiResponses.WriteErrorAsync(context, refused)
            : ApiResponses.WriteOkAsync(context, posted.Value!, GuestChatJsonContext.Default.WebChatMessage));
    });

    // 6. POST /conversations/{conversationId}/members/{memberId}/typing
    private static Task PostTypingAsync(HttpContext context) => AuthorizedAsync(context, (conversation, claims) =>
    {
        if (GuestAuthorization.RequireOwnMember(conversation, claims, Route(context, "memberId")) is { } notYours)
        {
            return ApiResponses.WriteErrorAsync(context, notYours);
        }

        var typing = conversation.PostGuestTyping();
        return typing.Error is { } refused
            ? ApiResponses.WriteErrorAsync(context, refused)
            : ApiResponses.WriteOkAsync(context, typing.Value!, GuestChatJsonContext.Default.WebChatTyping);
    });

    // 7. GET /conversations/{conversationId}/messages
    private static Task GetMessagesAsync(HttpContext context) => AuthorizedAsync(context, (conversation, _) =>
    {
        var query = context.Request;
        var maxResults = QueryParameters.Int(query, "maxResults", 100, 1, 100);
        var sortOrder = QueryParameters.Choice(query, "sortOrder", "ascending", "descending");
        if ((maxResults.Error ?? sortOrder.Error) is { } invalid)
        {
            return ApiResponses.WriteErrorAsync(context, invalid);
        }

        var after = QueryParameters.Text(query, "after");
        var before = QueryParameters.Text(query, "before");
        var page = MessagePage.Of(conversation, after, before, sortOrder.Value == "descending", maxResults.Value);
        return page.Error is { } unknown
            ? ApiResponses.WriteErrorAsync(context, unknown)
            : ApiResponses.WriteOkAsync(context, page.Value!, GuestChatJsonContext.Default.WebChatMessageEntityList);
    });

    // 8. GET /conversations/{conversationId}/messages/{messageId}
    private static Task GetMessageAsync(HttpContext context) => AuthorizedAsync(context, (conversation, _) =>
        conversation.Message(Route(context, "messageId")) is { } message
            ? ApiResponses.WriteOkAsync(context, message, GuestChatJsonContext.Default.WebChatMessage)
            : ApiResponses.WriteErrorAsync(context, ChatError.NotFound("message", Route(context, "messageId"))));

    // 9. GET /conversations/{conversationId}/mediarequests
    private static Task GetMediaRequestsAsync(HttpContext context) => AuthorizedAsync(context, (conversation, _) =>
        ApiResponses.WriteOkAsync(context, new WebChatGuestMediaRequestEntityList { Entities = conversation.MediaRequests() },
            GuestChatJsonContext.Default.WebChatGuestMediaRequestEntityList));

    // 10. GET /conversations/{conversationId}/mediarequests/{mediaRequestId}
    private static Task GetMediaRequestAsync(HttpContext context) => AuthorizedAsync(context, (conversation, _) =>
        conversation.MediaRequest(Route(context, "mediaRequestId")) is { } request
            ? ApiResponses.WriteOkAsync(context, request, GuestChatJsonContext.Default.WebChatGuestMediaRequest)
            : ApiResponses.WriteErrorAsync(context, ChatError.NotFound("media request", Route(context, "mediaRequestId"))));

    // 11. PATCH /conversations/{conversationId}/mediarequests/{mediaRequestId}
    private static Task PatchMediaRequestAsync(HttpContext context) => AuthorizedAsync(context, async (conversation, _) =>
    {
        var read = await RequestBody.ReadAsync(context, GuestChatJsonContext.Default.WebChatGuestMediaRequest);
        if (read.Error is { } readError)
        {
            await ApiResponses.WriteErrorAsync(context, readError);
            return;
        }

        if (read.Value!.State is not { } state)
        {
            await ApiResponses.WriteErrorAsync(context, ChatError.Invalid("state", "state is required: ACCEPTED, DECLINED or ERRORED"));
            return;
        }

        var answered = conversation.AnswerMediaRequest(Route(context, "mediaRequestId"), state);
        await (answered.Error is { } refused
            ? ApiResponses.WriteErrorAsync(context, refused)
            : ApiResponses.WriteOkAsync(context, answered.Value!, GuestChatJsonContext.Default.WebChatGuestMediaRequest));
    });

    private static async Task AuthorizedAsync(HttpContext context, Func<Conversation, GuestJwtClaims, Task> handle)
    {
        var authorized = GuestAuthorization.Authorize(context, Platform(context), Route(context, "conversationId"));
        if (authorized.Error is { } refused)
        {
            await ApiResponses.WriteErrorAsync(context, refused);
            return;
        }

        var (conversation, claims) = authorized.Value;
        await handle(conversation, claims);
    }

    private static ChatPlatform Platform(HttpContext context) => context.RequestServices.GetRequiredService<ChatPlatform>();

    private static string Route(HttpContext context, string name) => (string)context.Request.RouteValues[name]!;
}
