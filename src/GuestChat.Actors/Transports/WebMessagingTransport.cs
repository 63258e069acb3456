using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using Akka.Actor;
using GuestChat.Actors.EventStreams;
using GuestChat.Client;
using GuestChat.Client.Authentication;
using GuestChat.Client.Errors;
using GuestChat.Client.Models;
using GuestChat.Client.WebMessaging;

namespace GuestChat.Actors.Transports;

/// <summary>
/// Web Messaging behind the same two parts a conversation drives guest chat with (its requests,
/// <see cref="IGuestChatClient"/>, and its socket, <see cref="IEventStreamFactory"/>), so every promise the
/// conversation keeps on guest chat it keeps here, by the same code:
/// <list type="bullet">
/// <item>creating a chat makes its session: a new token (the guest's secret, journaled encrypted like a JWT),
/// an id for the chat and one for its guest; nothing is sent until the socket opens the session;</item>
/// <item>the socket is a <see cref="MessagingStreamActor"/>, which tells Web Messaging's frames as guest chat
/// events; sends and typing go through it, a send being taken when it comes back with its tracing id;</item>
/// <item>the transcript (backfill after a reconnect, and the look for a send whose outcome is unknown) is the
/// history endpoint, read with the session's JWT;</item>
/// <item>members are those met in messages (this API has no member list); leaving is a Presence Clear.</item>
/// </list>
/// A refusal keeps guest chat's meaning: 4029 is waited out and sent again (it was not taken), a socket lost
/// before the answer is an unknown outcome (looked for in the history before any resend), 4011/4013/4020 are final.
/// </summary>
public sealed class WebMessagingTransport(WebMessagingEndpoints endpoints, HttpClient http, string? origin = null, GuestChat.Client.Http.ClientCounters? counters = null, GuestChat.Client.Http.RetryOptions? retry = null) : IGuestChatClient, IEventStreamFactory
{
    private readonly GuestChat.Client.Http.RetryOptions _retry = retry ?? new GuestChat.Client.Http.RetryOptions();

    /// <summary>How long a request through the socket waits for its answer.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How much of the history a member refresh reads for the agents and bots who spoke.</summary>
    public const int HistoryForMembers = 100;

    /// <summary>How long a chat without a socket is remembered (far longer than a conversation tries to reconnect).</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(30);

    /// <summary>How long a request that could not leave (no socket open) waits for the conversation's reconnect before it is refused.</summary>
    public static readonly TimeSpan SocketWait = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, IActorRef> _sockets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MessagingChat> _chats = new(StringComparer.Ordinal);
    private long _lastSweep;

    /// <inheritdoc />
    public Task<GuestChatResult<CreateWebChatConversationResponse>> CreateConversationAsync(CreateWebChatConversationRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.DeploymentId))
        {
            return Task.FromResult(GuestChatResult<CreateWebChatConversationResponse>.Failure(Refusal("createSession", 400, ErrorCodes.BadRequest, "deploymentId is required", FailureKind.Final)));
        }

        return Task.FromResult(GuestChatResult<CreateWebChatConversationResponse>.Success(new CreateWebChatConversationResponse
        {
            Id = Guid.NewGuid().ToString(),
            Member = new WebChatMemberInfo { Id = Guid.NewGuid().ToString(), Role = MemberRole.Customer },
            Jwt = Guid.NewGuid().ToString(),
            EventStreamUri = endpoints.Socket(request.DeploymentId).ToString(),
        }));
    }

    /// <inheritdoc />
    public IActorRef Open(IActorContext context, EventStreamAddress address, int incarnation) =>
        throw new InvalidOperationException("A Web Messaging socket needs its chat (its token): open it with the chat's ids.");

    /// <inheritdoc />
    public IActorRef Open(IActorContext context, EventStreamAddress address, int incarnation, string conversationId, string memberId, GuestJwt jwt)
    {
        SweepForgotten();
        var deploymentId = System.Web.HttpUtility.ParseQueryString(address.Reveal().Query)["deploymentId"] ?? "";
        var chat = ChatOf(conversationId);
        chat.GuestMemberId = memberId;
        chat.DeploymentId = deploymentId;
        chat.SocketGoneAt = null;
        var target = new MessagingTarget(endpoints, deploymentId, jwt, origin, conversationId, memberId)
        {
            Chat = chat,
            Stopped = stopped =>
            {
                // The socket is forgotten with it (a reconnect opens a new one); the chat too once it has ended.
                if (_sockets.TryRemove(new KeyValuePair<string, IActorRef>(conversationId, stopped)))
                {
                    chat.SocketGoneAt = DateTimeOffset.UtcNow;
                    if (chat.Over)
                    {
                        _chats.TryRemove(new KeyValuePair<string, MessagingChat>(conversationId, chat));
                    }
                }
            },
        };
        var stream = context.ActorOf(MessagingStreamActor.Props(target, incarnation), $"messaging-{incarnation}");
        _sockets[conversationId] = stream;
        return stream;
    }

    /// <inheritdoc />
    public async Task<GuestChatResult<WebChatMessage>> SendMessageAsync(GuestJwt jwt, string conversationId, string memberId, CreateWebChatMessageRequest message, CancellationToken cancellationToken)
    {
        const string operation = "onMessage";
        var tracingId = Guid.NewGuid().ToString();
        var started = DateTimeOffset.UtcNow;
        for (var attempt = 1; ; attempt++)
        {
            var answer = await AskAsync<MessagingStreamActor.TextTaken>(conversationId, new MessagingStreamActor.SendText(message.Body ?? "", tracingId), operation, cancellationToken);
            if (answer.Error is { Code: "4029", RetryAfter: { } wait } && DateTimeOffset.UtcNow + wait - started < _retry.MaxElapsed)
            {
                // Refused by the rate limit: certainly not taken, so it goes again once the limit allows, for as
                // long as the client's retries may take (its MaxElapsed), however many refusals that is.
                await Task.Delay(wait, cancellationToken);
                tracingId = Guid.NewGuid().ToString();
                continue;
            }

            return answer.IsSuccess
                ? GuestChatResult<WebChatMessage>.Success(ToMessage(answer.Value!.Message, conversationId, memberId))
                : GuestChatResult<WebChatMessage>.Failure(answer.Error! with { Attempts = attempt });
        }
    }

    /// <summary>How far apart typing indicators go on this API (Genesys's transport sends them at least 5 s apart); one sooner is taken and not sent.</summary>
    public static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public async Task<GuestChatResult<WebChatTyping>> SendTypingAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken)
    {
        var chat = ChatOf(conversationId);
        var now = DateTimeOffset.UtcNow;
        if (chat.LastTyping is { } last && now - last < TypingInterval)
        {
            return GuestChatResult<WebChatTyping>.Success(new WebChatTyping { Id = Guid.NewGuid().ToString(), Sender = new WebChatMemberInfo { Id = memberId }, Timestamp = now });
        }

        chat.LastTyping = now;
        var typed = await AskAsync<MessagingStreamActor.Typed>(conversationId, MessagingStreamActor.SendTyping.Instance, "onMessage typing", cancellationToken);
        return typed.IsSuccess
            ? GuestChatResult<WebChatTyping>.Success(new WebChatTyping { Id = Guid.NewGuid().ToString(), Sender = new WebChatMemberInfo { Id = memberId }, Timestamp = DateTimeOffset.UtcNow })
            : GuestChatResult<WebChatTyping>.Failure(typed.Error!);
    }

    /// <inheritdoc />
    public async Task<GuestChatResult<WebChatMessageEntityList>> GetMessagesAsync(GuestJwt jwt, string conversationId, MessagePageQuery? query, CancellationToken cancellationToken)
    {
        query ??= new MessagePageQuery();
        var after = query.After;
        var most = query.MaxResults;

        // The history is newest first: read back to the message asked after (or as many as asked for), then give them in the order asked.
        var read = await HistoryAsync(conversationId, (entry, count) => (after is not null && entry.Id == after) || (after is null && count >= most), cancellationToken);
        if (!read.IsSuccess)
        {
            return GuestChatResult<WebChatMessageEntityList>.Failure(read.Error!);
        }

        var newestFirst = read.Value!.Where(m => after is null || m.Id != after);
        IEnumerable<WebChatMessage> ordered = query.Descending ? newestFirst : newestFirst.Reverse();
        return GuestChatResult<WebChatMessageEntityList>.Success(new WebChatMessageEntityList { Entities = [.. ordered.Take(most)] });
    }

    /// <inheritdoc />
    public Task<GuestChatResult<WebChatMemberInfo>> GetMemberAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken)
    {
        var member = ChatOf(conversationId).Find(memberId);
        return Task.FromResult(member is { } known
            ? GuestChatResult<WebChatMemberInfo>.Success(new WebChatMemberInfo { Id = memberId, Role = known.Role, DisplayName = known.Nickname, State = MemberState.Connected })
            : IsGuest(jwt, memberId)
                ? GuestChatResult<WebChatMemberInfo>.Success(new WebChatMemberInfo { Id = memberId, Role = MemberRole.Customer, State = MemberState.Connected })
                : GuestChatResult<WebChatMemberInfo>.Failure(Refusal("getMember", 404, ErrorCodes.NotFound, "No member of that id has spoken in this chat", FailureKind.Final)));
    }

    /// <summary>
    /// Who is in the chat, as far as this API lets anyone know: every agent or bot that has spoken in it (met on
    /// the socket, or read now from the history, so a restarted service knows the agent it had), taken as connected.
    /// </summary>
    public async Task<GuestChatResult<WebChatMemberInfoEntityList>> GetMembersAsync(GuestJwt jwt, string conversationId, MemberPageQuery? query, CancellationToken cancellationToken)
    {
        var read = await HistoryAsync(conversationId, (_, count) => count >= HistoryForMembers, cancellationToken);
        if (!read.IsSuccess)
        {
            return GuestChatResult<WebChatMemberInfoEntityList>.Failure(read.Error!);
        }

        return GuestChatResult<WebChatMemberInfoEntityList>.Success(new WebChatMemberInfoEntityList
        {
            Entities = [.. ChatOf(conversationId).All.Select(m => new WebChatMemberInfo { Id = m.Id, Role = m.Role, DisplayName = m.Nickname, State = MemberState.Connected })],
        });
    }

    /// <summary>
    /// The chat's history, newest first, until <paramref name="enough"/> says so (given each entry and how many
    /// came before it) or it ends; every member met in it noted. Read with the JWT the socket fetched (the
    /// socket may be down), else one asked for now.
    /// </summary>
    private async Task<GuestChatResult<List<WebChatMessage>>> HistoryAsync(string conversationId, Func<WebChatMessage, int, bool> enough, CancellationToken cancellationToken)
    {
        const string operation = "getWebmessagingMessages";
        var chat = ChatOf(conversationId);
        var token = chat.Jwt is { } held && DateTimeOffset.FromUnixTimeSeconds(held.Expires) > DateTimeOffset.UtcNow.AddSeconds(5)
            ? GuestChatResult<JwtResponse>.Success(held)
            : await AskAsync<JwtResponse>(conversationId, MessagingStreamActor.GetJwt.Instance, "getJwt", cancellationToken);
        if (!token.IsSuccess)
        {
            return GuestChatResult<List<WebChatMessage>>.Failure(token.Error!);
        }

        chat.Jwt = token.Value;
        var newestFirst = new List<WebChatMessage>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AnswerTimeout);
        try
        {
            await foreach (var entry in WebMessagingHistory.NewestFirstAsync(http, endpoints, token.Value!.Jwt, WebMessagingHistory.DefaultPageSize, origin, timeout.Token))
            {
                var message = ToMessage(entry, conversationId, memberId: null);
                newestFirst.Add(message);
                if (enough(message, newestFirst.Count - 1))
                {
                    break;
                }
            }
        }
        catch (WebMessagingException e)
        {
            return Counted(GuestChatResult<List<WebChatMessage>>.Failure(FromException(operation, e)));
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Counted(GuestChatResult<List<WebChatMessage>>.Failure(Refusal(operation, null, "no.answer", e.Message, FailureKind.OutcomeUnknown)));
        }

        return Counted(GuestChatResult<List<WebChatMessage>>.Success(newestFirst));
    }

    /// <summary>
    /// Leaves: a Presence Clear, which ends the conversation. Through the chat's socket when it is open; else (a
    /// conversation that is leaving does not reconnect: on guest chat leaving needs no socket) through a session
    /// of its own, opened with the chat's token for this and closed after.
    /// </summary>
    public async Task<GuestChatResult<NoContent>> RemoveMemberAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken)
    {
        const string operation = "onMessage clear";
        if (_sockets.TryGetValue(conversationId, out var socket))
        {
            try
            {
                await socket.Ask<MessagingStreamActor.Cleared>(MessagingStreamActor.ClearConversation.Instance, AnswerTimeout, cancellationToken);
                return Counted(GuestChatResult<NoContent>.Success(default));
            }
            catch (WebMessagingException e) when (e.Sent)
            {
                return Counted(GuestChatResult<NoContent>.Failure(FromException(operation, e)));
            }
            catch (Exception e) when (e is WebMessagingException or AskTimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not sent (the socket had just gone, or its actor had stopped): through a session of its own.
            }
        }

        if (ChatOf(conversationId).DeploymentId is not { } deploymentId)
        {
            return Counted(GuestChatResult<NoContent>.Failure(Refusal(operation, null, "socket.closed", "The chat's socket never opened", FailureKind.OutcomeUnknown)));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AnswerTimeout);
        try
        {
            await using var session = await WebMessagingSession.OpenAsync(endpoints, deploymentId, jwt.Reveal(), origin: origin, cancellationToken: timeout.Token);
            await session.ClearConversationAsync(timeout.Token);
            await foreach (var frame in session.Frames.ReadAllAsync(timeout.Token))
            {
                if (frame is SessionEvent { Class: "SessionClearedEvent" } || (frame is StructuredMessageFrame { Message.EndsConversation: true }))
                {
                    return Counted(GuestChatResult<NoContent>.Success(default));
                }
            }

            return Counted(GuestChatResult<NoContent>.Failure(Refusal(operation, null, "socket.closed", "The session closed before the clear was answered", FailureKind.OutcomeUnknown)));
        }
        catch (WebMessagingException e)
        {
            return Counted(GuestChatResult<NoContent>.Failure(FromException(operation, e)));
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Counted(GuestChatResult<NoContent>.Failure(Refusal(operation, null, "no.answer", e.Message, FailureKind.OutcomeUnknown)));
        }
    }

    /// <inheritdoc />
    public Task<GuestChatResult<WebChatMessage>> GetMessageAsync(GuestJwt jwt, string conversationId, string messageId, CancellationToken cancellationToken) =>
        Task.FromResult(GuestChatResult<WebChatMessage>.Failure(NotOnThisApi("getMessage", "Web Messaging has no look-up of one message by id; its history has them")));

    /// <inheritdoc />
    public Task<GuestChatResult<WebChatGuestMediaRequestEntityList>> GetMediaRequestsAsync(GuestJwt jwt, string conversationId, CancellationToken cancellationToken) =>
        Task.FromResult(GuestChatResult<WebChatGuestMediaRequestEntityList>.Success(new WebChatGuestMediaRequestEntityList { Entities = [] }));

    /// <inheritdoc />
    public Task<GuestChatResult<WebChatGuestMediaRequest>> GetMediaRequestAsync(GuestJwt jwt, string conversationId, string mediaRequestId, CancellationToken cancellationToken) =>
        Task.FromResult(GuestChatResult<WebChatGuestMediaRequest>.Failure(NotOnThisApi("getMediaRequest", "Web Messaging has no media requests")));

    /// <inheritdoc />
    public Task<GuestChatResult<WebChatGuestMediaRequest>> UpdateMediaRequestAsync(GuestJwt jwt, string conversationId, string mediaRequestId, WebChatGuestMediaRequest answer, CancellationToken cancellationToken) =>
        Task.FromResult(GuestChatResult<WebChatGuestMediaRequest>.Failure(NotOnThisApi("patchMediaRequest", "Web Messaging has no media requests")));

    private static bool IsGuest(GuestJwt jwt, string memberId) => jwt.HasValue && memberId.Length > 0;

    /// <summary>What is known of a chat; a chat whose socket never opened here has only its members met in the history.</summary>
    private MessagingChat ChatOf(string conversationId) => _chats.GetOrAdd(conversationId, _ => new MessagingChat());

    /// <summary>
    /// Forgets, at most once a minute, the chats without a socket for longer than <see cref="ForgetAfter"/>: their
    /// conversations gave up reconnecting or stopped without the end being seen (ended ones go with their socket).
    /// </summary>
    private void SweepForgotten()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastSweep);
        if (now - last < 60_000 || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        var cutoff = DateTimeOffset.UtcNow - ForgetAfter;
        foreach (var (id, chat) in _chats)
        {
            if (chat.SocketGoneAt < cutoff)
            {
                _chats.TryRemove(new KeyValuePair<string, MessagingChat>(id, chat));
            }
        }
    }

    /// <summary>A message of this API as guest chat's: the guest's own (Inbound) are the guest member's; an agent's or bot's carry the id made from its nickname.</summary>
    private WebChatMessage ToMessage(StructuredMessage message, string conversationId, string? memberId)
    {
        var chat = ChatOf(conversationId);
        string sender;
        if (message.IsInbound)
        {
            sender = memberId ?? chat.GuestMemberId;
        }
        else
        {
            (sender, var role) = MessagingChat.SenderOf(message);
            chat.Saw(sender, role, message.SenderNickname);
        }

        return new WebChatMessage
        {
            Id = message.Id,
            Sender = new WebChatMemberInfo { Id = sender },
            Body = message.Text ?? "",
            BodyType = BodyType.Standard,
            Timestamp = message.SentAt,
        };
    }

    /// <summary>
    /// Asks the chat's socket. A request that cannot leave (no socket, or one that has just gone) waits for the
    /// conversation's reconnect, up to <see cref="SocketWait"/>, and goes then: it was never sent, so this
    /// cannot duplicate it. One that left and got no answer is an unknown outcome.
    /// </summary>
    private async Task<GuestChatResult<T>> AskAsync<T>(string conversationId, object request, string operation, CancellationToken cancellationToken)
    {
        var waitUntil = DateTimeOffset.UtcNow + SocketWait;
        while (true)
        {
            Exception? notSent = null;
            if (_sockets.TryGetValue(conversationId, out var socket))
            {
                try
                {
                    var answer = await socket.Ask<T>(request, AnswerTimeout, cancellationToken);
                    counters?.Count(null);
                    return GuestChatResult<T>.Success(answer);
                }
                catch (WebMessagingException e) when (!e.Sent)
                {
                    notSent = e;
                }
                catch (WebMessagingException e)
                {
                    return Counted(GuestChatResult<T>.Failure(FromException(operation, e)));
                }
                catch (Exception e) when (e is AskTimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    return Counted(GuestChatResult<T>.Failure(Refusal(operation, null, "no.answer", "No answer came through the socket", FailureKind.OutcomeUnknown)));
                }
            }

            if (DateTimeOffset.UtcNow >= waitUntil)
            {
                return GuestChatResult<T>.Failure(Refusal(operation, null, "socket.closed", notSent?.Message ?? "The chat's socket did not open again in time", FailureKind.Final));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>A request's outcome counted with the host's other requests (the service's request metrics).</summary>
    private GuestChatResult<T> Counted<T>(GuestChatResult<T> result)
    {
        counters?.Count(result.Error);
        return result;
    }

    private static GuestChatError FromException(string operation, WebMessagingException e) => e.Code switch
    {
        4029 or 429 => Refusal(operation, 429, "4029", e.Message, FailureKind.RetryAfter) with { RetryAfter = e.RetryAfter ?? TimeSpan.FromSeconds(1) },
        0 => Refusal(operation, null, "socket.closed", e.Message, FailureKind.OutcomeUnknown),
        >= 5000 => Refusal(operation, 500, e.Code.ToString(CultureInfo.InvariantCulture), e.Message, FailureKind.OutcomeUnknown),
        _ => Refusal(operation, e.Code is >= 400 and < 600 ? e.Code : 400, e.Code.ToString(CultureInfo.InvariantCulture), e.Message, FailureKind.Final),
    };

    private static GuestChatError NotOnThisApi(string operation, string why) =>
        Refusal(operation, 400, ErrorCodes.BadRequest, why, FailureKind.Final);

    private static GuestChatError Refusal(string operation, int? status, string code, string message, FailureKind kind) =>
        new() { Operation = operation, Kind = kind, Status = status, Code = code, Message = message };
}
