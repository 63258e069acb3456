using System.Globalization;
using GuestChat.Client;
using GuestChat.Client.Models;
using GuestChat.Emulator.Api;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Options;
using Microsoft.AspNetCore.Http.Features;

namespace GuestChat.Emulator.Control;

/// <summary>
/// The agent side, for tests and people: read chats and transcripts, make the agent speak, type,
/// raise or cancel a media request, transfer or end; drop sockets; read counters; change faults.
/// Lives under <c>/emulator</c> and is never subject to injected faults.
/// </summary>
internal static class ControlApi
{
    public const string Root = "/emulator";
    private const string Conversation = Root + "/conversations/{conversationId}";

    public static IEndpointRouteBuilder MapControlApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Root, InfoAsync);
        routes.MapGet(Root + "/conversations", ListAsync);
        routes.MapGet(Conversation, GetAsync);
        routes.MapPost(Conversation + "/agent/messages", AgentMessageAsync);
        routes.MapPost(Root + "/agents/messages", AgentsSpeakAsync);
        routes.MapPost(Conversation + "/agent/typing", AgentTypingAsync);
        routes.MapPost(Conversation + "/agent/mediarequests", RaiseMediaRequestAsync);
        routes.MapDelete(Conversation + "/agent/mediarequests/{mediaRequestId}", CancelMediaRequestAsync);
        routes.MapPost(Conversation + "/agent/transfer", TransferAsync);
        routes.MapPost(Conversation + "/agent/end", EndAsync);
        routes.MapPost(Conversation + "/sockets/drop", DropSocketsAsync);
        routes.MapGet(Root + "/counters", CountersAsync);
        routes.MapGet(Root + "/sent", SentAsync);
        routes.MapGet(Root + "/faults", GetFaultsAsync);
        routes.MapPut(Root + "/faults", PutFaultsAsync);
        routes.MapPost(Root + "/signeddata", SignDataAsync);
        return routes;
    }

    private static Task InfoAsync(HttpContext context)
    {
        var platform = Platform(context);
        var info = new EmulatorInfo
        {
            ApiBaseUrl = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}",
            OrganizationId = platform.Options.OrganizationId,
            Deployments = platform.Options.Deployments,
            Queues = platform.Options.Queues,
            Timing = platform.Options.Timing,
            Faults = platform.Faults,
        };
        return ApiResponses.WriteOkAsync(context, info, ControlJsonContext.Default.EmulatorInfo);
    }

    private static Task ListAsync(HttpContext context)
    {
        var phase = QueryParameters.Text(context.Request, "phase");
        ChatPhase? wanted = null;
        if (phase is not null)
        {
            if (!Enum.TryParse<ChatPhase>(phase, ignoreCase: true, out var parsed))
            {
                return ApiResponses.WriteErrorAsync(context, ChatError.Invalid("phase", $"phase must be one of: {string.Join(", ", Enum.GetNames<ChatPhase>())}"));
            }

            wanted = parsed;
        }

        DateTimeOffset? since = null;
        if (QueryParameters.Text(context.Request, "createdSince") is { } sinceText)
        {
            if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsedSince))
            {
                return ApiResponses.WriteErrorAsync(context, ChatError.Invalid("createdSince", "createdSince must be a date and time, ISO 8601 (2026-11-26T13:00:00Z)"));
            }

            since = parsedSince;
        }

        var list = Platform(context).Conversations
            .Where(c => since is null || c.CreatedAt >= since)
            .Select(c => c.Snapshot(withTranscript: false))
            .Where(s => wanted is null || s.Phase == wanted)
            .OrderBy(s => s.CreatedAt)
            .ToList();
        return ApiResponses.WriteOkAsync(context, list, ControlJsonContext.Default.ListConversationSnapshot);
    }

    private static Task GetAsync(HttpContext context) => WithConversationAsync(context, conversation =>
        ApiResponses.WriteOkAsync(context, conversation.Snapshot(withTranscript: true), ControlJsonContext.Default.ConversationSnapshot));

    private static Task AgentMessageAsync(HttpContext context) => WithConversationAsync(context, async conversation =>
    {
        var read = await RequestBody.ReadAsync(context, ControlJsonContext.Default.AgentMessageCommand);
        if (read.Error is { } readError)
        {
            await ApiResponses.WriteErrorAsync(context, readError);
            return;
        }

        if (string.IsNullOrEmpty(read.Value!.Body))
        {
            await ApiResponses.WriteErrorAsync(context, ChatError.Invalid("body", "body is required"));
            return;
        }

        var bodyType = read.Value.BodyType ?? BodyType.Standard;
        if (bodyType is not (BodyType.Standard or BodyType.Notice))
        {
            await ApiResponses.WriteErrorAsync(context, ChatError.Invalid("bodyType", "An agent message is standard or notice; use the media request endpoint for media requests"));
            return;
        }

        var sent = conversation.AgentSend(read.Value.Body, bodyType);
        await (sent.Error is { } refused
            ? ApiResponses.WriteErrorAsync(context, refused)
            : ApiResponses.WriteOkAsync(context, sent.Value!, ControlJsonContext.Default.WebChatMessage));
    });

    /// <summary>The most a body prefix may be: the longest number after it still fits a message's 4,000 characters.</summary>
    private const int LongestBodyPrefix = 3_000;

    /// <summary>The largest body of <c>POST /emulator/agents/messages</c>: room for the ids of 100,000 chats (the guest API's limit, 64 KiB, holds 1,600).</summary>
    private const long LargestAgentsSpeakBody = 8 * 1024 * 1024;

    private static async Task AgentsSpeakAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = LargestAgentsSpeakBody;
        }

        var read = await RequestBody.ReadAsync(context, ControlJsonContext.Default.AgentsSpeakCommand);
        if (read.Error is { } readError)
        {
            await ApiResponses.WriteErrorAsync(context, readError);
            return;
        }

        var command = read.Value!;
        var problem = command switch
        {
            { ConversationIds: null or { Count: 0 } } => ChatError.Invalid("conversationIds", "conversationIds lists the chats whose agents speak"),
            { Count: null or < 1 } => ChatError.Invalid("count", "count is how many messages to send, at least 1"),
            { MessagesPerSecond: null or < 1 or > 1_000_000 } => ChatError.Invalid("messagesPerSecond", "messagesPerSecond is between 1 and 1000000"),
            { BodyPrefix.Length: > LongestBodyPrefix } => ChatError.Invalid("bodyPrefix", $"bodyPrefix is at most {LongestBodyPrefix} characters"),
            _ => null,
        };
        if (problem is not null)
        {
            await ApiResponses.WriteErrorAsync(context, problem);
            return;
        }

        var platform = Platform(context);
        var conversations = new Conversation[command.ConversationIds!.Count];
        for (var i = 0; i < conversations.Length; i++)
        {
            if (platform.Find(command.ConversationIds[i]) is not { } conversation)
            {
                await ApiResponses.WriteErrorAsync(context, 404, ErrorCodes.NotFound, $"The conversation {command.ConversationIds[i]} was not found", "conversationIds");
                return;
            }

            conversations[i] = conversation;
        }

        var (count, rate, prefix) = (command.Count!.Value, command.MessagesPerSecond!.Value, command.BodyPrefix ?? "m");
        var (sent, refused) = (0, 0);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var aborted = context.RequestAborted;

        // Rounds a millisecond apart, each sending what SteadyPace says is due. On a thread of its own, which
        // sleeps as long as asked: a timer's wait (Task.Delay) lasts at least a tick of the system's coarse
        // clock, 4 ms on a kernel that ticks 250 times a second, and the messages went out four at a time at
        // 1,000 a second, not one by one.
        var pace = new SteadyPace(count, rate);
        await Task.Factory.StartNew(
            () =>
            {
                for (var previous = TimeSpan.Zero; !pace.Done && !aborted.IsCancellationRequested; Thread.Sleep(1))
                {
                    var (now, first) = (clock.Elapsed, pace.Taken);
                    var last = first + pace.Take(now.TotalSeconds, (now - previous).TotalSeconds);
                    for (var n = first; n < last; n++)
                    {
                        if (conversations[n % conversations.Length].AgentSend(prefix + n.ToString(CultureInfo.InvariantCulture), BodyType.Standard).Error is null)
                        {
                            sent++;
                        }
                        else
                        {
                            refused++;
                        }
                    }

                    previous = now;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        if (aborted.IsCancellationRequested)
        {
            // The caller went away: the agents stopped speaking.
            return;
        }

        await ApiResponses.WriteOkAsync(context, new AgentsSpoke(sent, refused, Math.Round(clock.Elapsed.TotalSeconds, 3)), ControlJsonContext.Default.AgentsSpoke);
    }

    private static Task AgentTypingAsync(HttpContext context) => WithConversationAsync(context, conversation =>
        NoContentOrErrorAsync(context, conversation.AgentTyping()));

    private static Task RaiseMediaRequestAsync(HttpContext context) => WithConversationAsync(context, async conversation =>
    {
        IReadOnlyList<MediaType> types = [MediaType.Cobrowse];
        if (RequestBody.HasBody(context))
        {
            var read = await RequestBody.ReadAsync(context, ControlJsonContext.Default.MediaRequestCommand);
            if (read.Error is { } readError)
            {
                await ApiResponses.WriteErrorAsync(context, readError);
                return;
            }

            if (read.Value!.Types is { Count: > 0 } asked)
            {
                types = [.. asked.Distinct()];
            }
        }

        var raised = conversation.RaiseMediaRequest(types);
        await (raised.Error is { } refused
            ? ApiResponses.WriteErrorAsync(context, refused)
            : ApiResponses.WriteOkAsync(context, raised.Value!, ControlJsonContext.Default.WebChatGuestMediaRequest));
    });

    private static Task CancelMediaRequestAsync(HttpContext context) => WithConversationAsync(context, conversation =>
    {
        var cancelled = conversation.CancelMediaRequest((string)context.Request.RouteValues["mediaRequestId"]!);
        return cancelled.Error is { } refused
            ? ApiResponses.WriteErrorAsync(context, refused)
            : ApiResponses.WriteOkAsync(context, cancelled.Value!, ControlJsonContext.Default.WebChatGuestMediaRequest);
    });

    private static Task TransferAsync(HttpContext context) => WithConversationAsync(context, conversation =>
        NoContentOrErrorAsync(context, conversation.Transfer()));

    private static Task EndAsync(HttpContext context) => WithConversationAsync(context, conversation =>
        NoContentOrErrorAsync(context, conversation.AgentEnd()));

    private static Task DropSocketsAsync(HttpContext context) => WithConversationAsync(context, conversation =>
        ApiResponses.WriteOkAsync(context, new SocketsDropped(conversation.DropSockets()), ControlJsonContext.Default.SocketsDropped));

    private static Task CountersAsync(HttpContext context) =>
        ApiResponses.WriteOkAsync(context, Platform(context).Counters.Snapshot(), ControlJsonContext.Default.DictionaryStringInt64);

    private static Task SentAsync(HttpContext context) => Platform(context).Sent is { } sent
        ? ApiResponses.WriteOkAsync(context, sent.Snapshot(), ControlJsonContext.Default.IReadOnlyListSentFrame)
        : ApiResponses.WriteErrorAsync(context, 409, "emulator.sent.off", "Emulator:RecordSendTimes is off: start the emulator with --Emulator:RecordSendTimes=true to keep when each message left", "Emulator:RecordSendTimes");

    private static Task GetFaultsAsync(HttpContext context) =>
        ApiResponses.WriteOkAsync(context, Platform(context).Faults, ControlJsonContext.Default.FaultSettings);

    private static async Task PutFaultsAsync(HttpContext context)
    {
        var read = await RequestBody.ReadAsync(context, ControlJsonContext.Default.FaultOptions);
        if (read.Error is { } readError)
        {
            await ApiResponses.WriteErrorAsync(context, readError);
            return;
        }

        var problems = read.Value!.Problems().ToList();
        if (problems.Count > 0)
        {
            await ApiResponses.WriteErrorAsync(context, 400, ErrorCodes.InvalidValue, string.Join(" ", problems), "faults");
            return;
        }

        var platform = Platform(context);
        platform.Faults = read.Value.Resolve();
        await ApiResponses.WriteOkAsync(context, platform.Faults, ControlJsonContext.Default.FaultSettings);
    }

    private static async Task SignDataAsync(HttpContext context)
    {
        var read = await RequestBody.ReadAsync(context, ControlJsonContext.Default.SignedDataRequest);
        if (read.Error is { } readError)
        {
            await ApiResponses.WriteErrorAsync(context, readError);
            return;
        }

        var lifetime = TimeSpan.FromSeconds(read.Value!.LifetimeSeconds ?? 600);
        if (lifetime <= TimeSpan.Zero)
        {
            await ApiResponses.WriteErrorAsync(context, ChatError.Invalid("lifetimeSeconds", "lifetimeSeconds must be positive"));
            return;
        }

        var platform = Platform(context);
        var jwt = platform.Tokens.IssueSignedData(platform.Options.OrganizationId, read.Value.Data ?? [], lifetime);
        await ApiResponses.WriteOkAsync(context, new SignedDataResponse(jwt), ControlJsonContext.Default.SignedDataResponse);
    }

    private static Task NoContentOrErrorAsync(HttpContext context, ChatError? error)
    {
        if (error is not null)
        {
            return ApiResponses.WriteErrorAsync(context, error);
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private static Task WithConversationAsync(HttpContext context, Func<Conversation, Task> handle)
    {
        var id = (string)context.Request.RouteValues["conversationId"]!;
        return Platform(context).Find(id) is { } conversation
            ? handle(conversation)
            : ApiResponses.WriteErrorAsync(context, 404, ErrorCodes.NotFound, $"The conversation {id} was not found");
    }

    private static ChatPlatform Platform(HttpContext context) => context.RequestServices.GetRequiredService<ChatPlatform>();
}
