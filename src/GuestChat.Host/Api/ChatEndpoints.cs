using Akka.Actor;
using GuestChat.Actors.Cluster;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Actors.Persistence;
using GuestChat.Client.Models;
using GuestChat.Host.Amqp;
using GuestChat.Host.Metrics;
using GuestChat.Host.Serve;
using Microsoft.Extensions.Options;
using static GuestChat.Host.Api.ChatRequests;
using static GuestChat.Host.Api.ChatViews;

namespace GuestChat.Host.Api;

/// <summary>
/// The service's HTTP API: chats (create, list, get, send, typing, media answers, end), their events as
/// server-sent events, health and metrics. Every answer that is not a success is an <see cref="ApiError"/>.
/// </summary>
internal static class ChatEndpoints
{
    public const string HealthPath = "/healthz";

    public const string OpenApiPath = "/openapi";

    public static WebApplication MapChatApi(this WebApplication app)
    {
        app.MapOpenApi(OpenApiPath + "/{documentName}.json");
        app.MapGet(HealthPath, HealthAsync).WithSummary("Whether the service answers; no key needed")
            .Produces(200).Produces(503);
        Prometheus.MetricServerMiddlewareExtensions.MapMetrics(app, "/metrics", app.Services.GetRequiredService<Prometheus.CollectorRegistry>())
            .WithSummary("Prometheus metrics");
        app.MapPost("/chats", CreateAsync).WithSummary("Start a chat (the guest chat API's create request plus a key)")
            .WithMetadata(new RequestShape(typeof(CreateChat))).Produces<Created>(201).Errors(400, 401, 409, 413, 415, 429, 502, 504);
        app.MapGet("/chats", ListAsync).WithSummary("Every chat and its state, counted by state")
            .Produces<ChatList>(200).Errors(400, 401);
        app.MapGet("/chats/{key}", GetAsync).WithSummary("One chat: state, members, transcript")
            .Produces<Chat>(200).Errors(401, 404, 504);
        app.MapDelete("/chats/{key}", EndAsync).WithSummary("Leave the chat; answered once it has ended")
            .Produces<Taken>(200).Errors(401, 404, 409, 502, 504);
        app.MapPost("/chats/{key}/messages", SendAsync).WithSummary("Send a message; answered once Genesys accepted it")
            .WithMetadata(new RequestShape(typeof(SendMessage))).Produces<Accepted>(201).Errors(400, 401, 404, 409, 413, 415, 502, 504);
        app.MapPost("/chats/{key}/typing", TypingAsync).WithSummary("Show the guest typing (at most once per 3 s)")
            .Produces<Taken>(202).Errors(401, 404, 409, 502, 504);
        app.MapPost("/chats/{key}/media-requests/{mediaRequestId}", AnswerMediaAsync).WithSummary("Accept or decline an agent's media request")
            .WithMetadata(new RequestShape(typeof(AnswerMediaRequest))).Produces<Taken>(200).Errors(400, 401, 404, 409, 502, 504);
        app.MapGet("/chats/{key}/events", (HttpContext context, string key, GuestChatConversations conversations, MessageLog log, ServiceMetrics metrics, IOptions<ServiceOptions> options) =>
            StreamAsync(context, key, conversations, log, metrics, options))
            .WithSummary("Server-sent events of one chat until it ends; the events' data are the components event.<name>; Last-Event-ID resumes")
            .Produces(200, contentType: "text/event-stream").Errors(401, 404);
        app.MapGet("/events", (HttpContext context, GuestChatConversations conversations, MessageLog log, ServiceMetrics metrics, IOptions<ServiceOptions> options, ClusterSettings cluster) =>
            EventFeed.StreamAsync(context, conversations, log, metrics, null, options.Value.EventStreamBuffer, cluster.Enabled))
            .WithSummary("Server-sent events of every chat; the events' data are the components event.<name>; Last-Event-ID resumes the messages")
            .Produces(200, contentType: "text/event-stream").Errors(401);
        return app;
    }

    /// <summary>Documents the error answers an endpoint gives, each an ErrorBody.</summary>
    private static RouteHandlerBuilder Errors(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            endpoint.Produces<ErrorBody>(status, "application/json");
        }

        return endpoint;
    }

    private static async Task<IResult> HealthAsync(ActorSystem system, GuestChatConversations conversations, EmbeddedEmulator emulator, IOptions<AmqpOptions> amqp, IServiceProvider services, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            // In a cluster, a node is ready once it is a member (Up); until then a load balancer sends it nothing.
            var cluster = ClusterMembership.Of(system);
            if (cluster is { Ready: false })
            {
                return Results.Json(new { status = "unhealthy", reason = $"not a member of the cluster yet ({cluster.SelfStatus})", cluster }, ApiJson.Options, statusCode: 503);
            }

            var list = await conversations.ListAsync(timeout.Token);
            var here = cluster is null ? null : (int?)(await conversations.ListHereAsync(timeout.Token)).Conversations.Count;

            // The broker is reported, not required: the chats go on without it (and catch its events up).
            var broker = amqp.Value.Enabled ? (services.GetRequiredService<AmqpMetrics>().Connected ? "connected" : "unreachable") : null;
            var transport = services.GetRequiredService<IOptions<TargetOptions>>().Value.Transport == GuestChat.Client.GuestApi.WebMessaging ? "webmessaging" : "guestchat";
            return Results.Json(new { status = "healthy", chats = list.Conversations.Count, target = emulator.Environment.ToString(), transport, embedded = emulator.Emulator is not null, amqp = broker, chatsHere = here, cluster }, ApiJson.Options);
        }
        catch (Exception e) when (e is OperationCanceledException or AskTimeoutException && !cancellationToken.IsCancellationRequested)
        {
            return Results.Json(new { status = "unhealthy", reason = system.WhenTerminated.IsCompleted ? "actor system stopped" : "the conversation manager did not answer within 5 s" }, ApiJson.Options, statusCode: 503);
        }
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, GuestChatConversations conversations, EmbeddedEmulator target)
    {
        var (create, error) = await JsonBody.ReadAsync(request, CreateChat.Empty);
        if (error is not null)
        {
            return error;
        }

        ConversationKey key;
        try
        {
            key = new ConversationKey(create!.Key ?? $"chat-{Guid.NewGuid():N}");
        }
        catch (ArgumentException e)
        {
            return ApiError.Invalid("key", e.Message.Split(" (Parameter")[0]);
        }

        try
        {
            var started = await conversations.StartAsync(key, create!.ToRequest(target.ChatDefaults), request.HttpContext.RequestAborted);
            return new Located($"/chats/{key.Value}", Results.Json(new Created(key.Value, started.ConversationId, started.MemberId), ApiJson.Options, statusCode: 201));
        }
        catch (ConversationRejectedException e)
        {
            return ApiError.Of(e);
        }
    }

    private static async Task<IResult> ListAsync(GuestChatConversations conversations, string? state, CancellationToken cancellationToken)
    {
        ConversationState? only = null;
        if (state is not null)
        {
            if (!Enum.TryParse<ConversationState>(state, ignoreCase: true, out var parsed) || int.TryParse(state, out _))
            {
                return ApiError.Invalid("state", $"state must be one of {string.Join(", ", Enum.GetNames<ConversationState>())}");
            }

            only = parsed;
        }

        var list = await conversations.ListAsync(cancellationToken);
        var chats = list.Conversations.Where(c => only is null || c.State == only).OrderBy(c => c.Key.Value, StringComparer.Ordinal)
            .Select(c => new Summary(c.Key.Value, c.State, c.EndReason)).ToList();
        var byState = list.Conversations.GroupBy(c => c.State).ToDictionary(g => g.Key.ToString(), g => g.Count());
        return Results.Json(new ChatList(list.Conversations.Count, byState, chats), ApiJson.Options);
    }

    private static async Task<IResult> GetAsync(string key, GuestChatConversations conversations, ActorSystem system, CancellationToken cancellationToken)
    {
        if (Key(key) is not { } chat)
        {
            return ApiError.UnknownChat(key);
        }

        try
        {
            var status = await conversations.GetStatusAsync(chat, cancellationToken);
            var transcript = await conversations.GetTranscriptAsync(chat, cancellationToken);
            return Results.Json(new Chat(key, status.State, status.ConversationId, status.MemberId, status.EndReason, status.Error,
                [.. status.Members.Select(MemberView.Of)], [.. transcript.Lines.Select(Line.Of)], ClusterMembership.Of(system) is null ? null : status.Node), ApiJson.Options);
        }
        catch (ConversationRejectedException e)
        {
            return ApiError.Of(e);
        }
    }

    private static async Task<IResult> SendAsync(string key, HttpRequest request, GuestChatConversations conversations, ServiceMetrics metrics)
    {
        if (Key(key) is not { } chat)
        {
            return ApiError.UnknownChat(key);
        }

        var (send, error) = await JsonBody.ReadAsync<SendMessage>(request);
        if (error is not null)
        {
            return error;
        }

        try
        {
            // The command's own rules (body required and at most 4,000 characters, ...) are checked by the conversation.
            var accepted = await conversations.SendMessageAsync(chat, send!.Body ?? "", send.BodyType ?? BodyType.Standard, send.ClientMessageId, request.HttpContext.RequestAborted);
            metrics.MessageSent();
            return Results.Json(new Accepted(accepted.MessageId, accepted.ClientMessageId, accepted.Timestamp), ApiJson.Options, statusCode: 201);
        }
        catch (ConversationRejectedException e)
        {
            return ApiError.Of(e);
        }
    }

    private static Task<IResult> TypingAsync(string key, GuestChatConversations conversations, CancellationToken cancellationToken) =>
        CommandAsync(key, chat => conversations.SendTypingAsync(chat, cancellationToken), 202, "typing");

    private static async Task<IResult> AnswerMediaAsync(string key, string mediaRequestId, HttpRequest request, GuestChatConversations conversations)
    {
        var (answer, error) = await JsonBody.ReadAsync<AnswerMediaRequest>(request);
        if (error is not null)
        {
            return error;
        }

        if (answer!.Decision is null)
        {
            return ApiError.Required("decision");
        }

        var cancellationToken = request.HttpContext.RequestAborted;
        var status = answer.Decision == MediaRequestDecision.Accept ? "accepted" : answer.Decision == MediaRequestDecision.Decline ? "declined" : "invalid";
        return await CommandAsync(key, chat => conversations.AnswerMediaRequestAsync(chat, mediaRequestId, answer.Decision.Value, cancellationToken), 200, status);
    }

    private static Task<IResult> EndAsync(string key, GuestChatConversations conversations, CancellationToken cancellationToken) =>
        CommandAsync(key, chat => conversations.EndAsync(chat, cancellationToken), 200, "ended");

    private static async Task StreamAsync(HttpContext context, string key, GuestChatConversations conversations, MessageLog log, ServiceMetrics metrics, IOptions<ServiceOptions> options)
    {
        if (Key(key) is not { } chat)
        {
            await ApiError.UnknownChat(key).ExecuteAsync(context);
            return;
        }

        try
        {
            await conversations.GetStatusAsync(chat, context.RequestAborted);
        }
        catch (ConversationRejectedException e)
        {
            await ApiError.Of(e).ExecuteAsync(context);
            return;
        }

        await EventFeed.StreamAsync(context, conversations, log, metrics, chat, options.Value.EventStreamBuffer);
    }

    /// <summary>A command whose answer is the conversation's own: accepted (the given status) or its rejection.</summary>
    private static async Task<IResult> CommandAsync(string key, Func<ConversationKey, Task> command, int status, string outcome)
    {
        if (Key(key) is not { } chat)
        {
            return ApiError.UnknownChat(key);
        }

        try
        {
            await command(chat);
            return Results.Json(new Taken(key, outcome), ApiJson.Options, statusCode: status);
        }
        catch (ConversationRejectedException e)
        {
            return ApiError.Of(e);
        }
    }

    private static ConversationKey? Key(string key)
    {
        try
        {
            return new ConversationKey(key);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A result with a <c>Location</c> header.</summary>
    private sealed class Located(string location, IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
