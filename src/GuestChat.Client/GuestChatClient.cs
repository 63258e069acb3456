using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GuestChat.Client.Authentication;
using GuestChat.Client.Errors;
using GuestChat.Client.Http;
using GuestChat.Client.Models;
using GuestChat.Client.Serialization;

namespace GuestChat.Client;

/// <summary>
/// The guest chat API's 11 operations. One instance serves any number of conversations: the JWT is
/// passed per call, and all calls share one pooled connection set and one rate limiter for the host.
/// Failures are results, not exceptions (only cancellation by the caller throws). Safe calls (GETs and
/// typing) are retried on 429, 502/503/504, timeouts and connection failures; any call is retried on a
/// 429 or a connection that never opened, since neither carried it out. A POST, PATCH or DELETE that
/// timed out or got a 5xx comes back as <see cref="FailureKind.OutcomeUnknown"/> for the caller to check.
/// </summary>
public sealed class GuestChatClient : IGuestChatClient, IDisposable
{
    private static readonly GuestChatJsonContext Json = GuestChatJsonContext.Default;
    private const string JsonContentType = "application/json; charset=UTF-8";
    private const string JsonMediaType = "application/json";

    /// <summary>The largest answer body read: the API's largest answers (pages of 100 messages) are a small part of it.</summary>
    private const int MostBuffered = 16 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly string _origin;
    private readonly bool _ownsHttp;
    private readonly GuestChatClientOptions _options;
    private readonly TimeProvider _time;

    /// <summary>A client for one API host. Without an <paramref name="http"/> it makes and owns a pooled one.</summary>
    public GuestChatClient(GuestChatClientOptions options, HttpClient? http = null, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _ownsHttp = http is null;
        _origin = options.Environment.ApiBaseUrl.GetLeftPart(UriPartial.Authority);
        _http = http ?? new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            MaxConnectionsPerServer = 256,

            // The API answers where it is asked; a redirect is reported as its status, not followed (a followed
            // POST would arrive as a GET, without its body), and no redirect layer is run on every request.
            AllowAutoRedirect = false,

            // The JWT is the only credential this API knows. No cookie is kept: in a client every chat shares,
            // a cookie set on one chat's answer (a load balancer's stickiness, say) would ride on all the others'.
            UseCookies = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        RateLimiter = new HostRateLimiter(options.RateLimit, _time);
    }

    /// <summary>The host's shared request budget.</summary>
    public HostRateLimiter RateLimiter { get; }

    /// <summary>Attempts, 429s, 5xx and unanswered calls so far.</summary>
    public ClientCounters Counters { get; } = new();

    /// <summary>The pooled connections it sends with, for other calls to the same hosts (Web Messaging's history endpoint); give each call its own timeout.</summary>
    public HttpClient Http => _http;

    /// <summary>Where the client sends its calls.</summary>
    public GuestChatEnvironment Environment => _options.Environment;

    /// <summary>1. Creates a chat. Never retried once it may have reached the server: a retry could open a second chat.</summary>
    public Task<GuestChatResult<CreateWebChatConversationResponse>> CreateConversationAsync(CreateWebChatConversationRequest request, CancellationToken cancellationToken) =>
        SendAsync(new Call<CreateWebChatConversationResponse>("postWebchatGuestConversations", HttpMethod.Post, GuestChatPaths.Conversations, null,
            JsonSerializer.SerializeToUtf8Bytes(request, Json.CreateWebChatConversationRequest), Safe: false, Json.CreateWebChatConversationResponse, RequestPriority.Interactive), cancellationToken);

    /// <summary>2. One page of the members.</summary>
    public Task<GuestChatResult<WebChatMemberInfoEntityList>> GetMembersAsync(GuestJwt jwt, string conversationId, MemberPageQuery? query, CancellationToken cancellationToken)
    {
        query ??= new MemberPageQuery();
        var path = string.Create(CultureInfo.InvariantCulture,
            $"{GuestChatPaths.Members(Escape(conversationId))}?pageSize={query.PageSize}&pageNumber={query.PageNumber}&excludeDisconnectedMembers={(query.ExcludeDisconnectedMembers ? "true" : "false")}");
        return SendAsync(new Call<WebChatMemberInfoEntityList>("getWebchatGuestConversationMembers", HttpMethod.Get, path, jwt, null, Safe: true, Json.WebChatMemberInfoEntityList, RequestPriority.Recovery), cancellationToken);
    }

    /// <summary>3. One member: how a client learns the role and name behind an id.</summary>
    public Task<GuestChatResult<WebChatMemberInfo>> GetMemberAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken) =>
        SendAsync(new Call<WebChatMemberInfo>("getWebchatGuestConversationMember", HttpMethod.Get, GuestChatPaths.Member(Escape(conversationId), Escape(memberId)), jwt, null, Safe: true, Json.WebChatMemberInfo, RequestPriority.Recovery), cancellationToken);

    /// <summary>4. Removes a member; for the guest's own member, leaves the chat (204).</summary>
    public Task<GuestChatResult<NoContent>> RemoveMemberAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken) =>
        SendAsync(new Call<NoContent>("deleteWebchatGuestConversationMember", HttpMethod.Delete, GuestChatPaths.Member(Escape(conversationId), Escape(memberId)), jwt, null, Safe: false, null, RequestPriority.Interactive), cancellationToken);

    /// <summary>5. Sends a message as the guest (standard or notice).</summary>
    public Task<GuestChatResult<WebChatMessage>> SendMessageAsync(GuestJwt jwt, string conversationId, string memberId, CreateWebChatMessageRequest message, CancellationToken cancellationToken) =>
        SendAsync(new Call<WebChatMessage>("postWebchatGuestConversationMemberMessages", HttpMethod.Post, GuestChatPaths.MemberMessages(Escape(conversationId), Escape(memberId)), jwt,
            JsonSerializer.SerializeToUtf8Bytes(message, Json.CreateWebChatMessageRequest), Safe: false, Json.WebChatMessage, RequestPriority.Interactive), cancellationToken);

    /// <summary>6. Tells the chat the guest is typing. Safe to repeat: a second indicator harms nothing.</summary>
    public Task<GuestChatResult<WebChatTyping>> SendTypingAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken) =>
        SendAsync(new Call<WebChatTyping>("postWebchatGuestConversationMemberTyping", HttpMethod.Post, GuestChatPaths.MemberTyping(Escape(conversationId), Escape(memberId)), jwt, null, Safe: true, Json.WebChatTyping, RequestPriority.Background), cancellationToken);

    /// <summary>7. One page of the transcript.</summary>
    public Task<GuestChatResult<WebChatMessageEntityList>> GetMessagesAsync(GuestJwt jwt, string conversationId, MessagePageQuery? query, CancellationToken cancellationToken)
    {
        query ??= new MessagePageQuery();
        var path = new StringBuilder(GuestChatPaths.Messages(Escape(conversationId))).Append('?');
        if (query.After is not null)
        {
            path.Append("after=").Append(Uri.EscapeDataString(query.After)).Append('&');
        }

        if (query.Before is not null)
        {
            path.Append("before=").Append(Uri.EscapeDataString(query.Before)).Append('&');
        }

        path.Append(CultureInfo.InvariantCulture, $"sortOrder={(query.Descending ? "descending" : "ascending")}&maxResults={query.MaxResults}");
        return SendAsync(new Call<WebChatMessageEntityList>("getWebchatGuestConversationMessages", HttpMethod.Get, path.ToString(), jwt, null, Safe: true, Json.WebChatMessageEntityList, RequestPriority.Recovery), cancellationToken);
    }

    /// <summary>8. One message.</summary>
    public Task<GuestChatResult<WebChatMessage>> GetMessageAsync(GuestJwt jwt, string conversationId, string messageId, CancellationToken cancellationToken) =>
        SendAsync(new Call<WebChatMessage>("getWebchatGuestConversationMessage", HttpMethod.Get, GuestChatPaths.Message(Escape(conversationId), Escape(messageId)), jwt, null, Safe: true, Json.WebChatMessage, RequestPriority.Recovery), cancellationToken);

    /// <summary>9. All media requests of the chat.</summary>
    public Task<GuestChatResult<WebChatGuestMediaRequestEntityList>> GetMediaRequestsAsync(GuestJwt jwt, string conversationId, CancellationToken cancellationToken) =>
        SendAsync(new Call<WebChatGuestMediaRequestEntityList>("getWebchatGuestConversationMediarequests", HttpMethod.Get, GuestChatPaths.MediaRequests(Escape(conversationId)), jwt, null, Safe: true, Json.WebChatGuestMediaRequestEntityList, RequestPriority.Interactive), cancellationToken);

    /// <summary>10. One media request.</summary>
    public Task<GuestChatResult<WebChatGuestMediaRequest>> GetMediaRequestAsync(GuestJwt jwt, string conversationId, string mediaRequestId, CancellationToken cancellationToken) =>
        SendAsync(new Call<WebChatGuestMediaRequest>("getWebchatGuestConversationMediarequest", HttpMethod.Get, GuestChatPaths.MediaRequest(Escape(conversationId), Escape(mediaRequestId)), jwt, null, Safe: true, Json.WebChatGuestMediaRequest, RequestPriority.Interactive), cancellationToken);

    /// <summary>11. Answers a media request: ACCEPTED, DECLINED or ERRORED, from PENDING only.</summary>
    public Task<GuestChatResult<WebChatGuestMediaRequest>> UpdateMediaRequestAsync(GuestJwt jwt, string conversationId, string mediaRequestId, WebChatGuestMediaRequest answer, CancellationToken cancellationToken) =>
        SendAsync(new Call<WebChatGuestMediaRequest>("patchWebchatGuestConversationMediarequest", HttpMethod.Patch, GuestChatPaths.MediaRequest(Escape(conversationId), Escape(mediaRequestId)), jwt,
            JsonSerializer.SerializeToUtf8Bytes(answer, Json.WebChatGuestMediaRequest), Safe: false, Json.WebChatGuestMediaRequest, RequestPriority.Interactive), cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        RateLimiter.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static string Escape(string id) => Uri.EscapeDataString(id);

    private async Task<GuestChatResult<T>> SendAsync<T>(Call<T> call, CancellationToken cancellationToken)
    {
        var retry = _options.Retry;
        var started = _time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            if (!await TakeTurnAsync(call.Priority, cancellationToken).ConfigureAwait(false))
            {
                Counters.CountShed();
                return GuestChatResult<T>.Failure(new GuestChatError
                {
                    Operation = call.Operation,
                    Kind = FailureKind.Final,
                    Code = "client.shed",
                    Message = $"Not sent: it waited {_options.RateLimit.BackgroundMaxWait} for the host's request budget, and it is worth nothing later.",
                    Attempts = attempt,
                });
            }

            var result = await AttemptAsync(call, attempt, cancellationToken).ConfigureAwait(false);
            Counters.Count(result.Error);
            if (result.Error is not { Status: null })
            {
                RateLimiter.OnAnswered(throttled: result.Error?.Status == 429);
            }

            if (result.IsSuccess || result.Error.Kind != FailureKind.RetryAfter)
            {
                return result;
            }

            var wait = result.Error.RetryAfter ?? Backoff(attempt, retry);
            if (attempt >= retry.MaxAttempts || _time.GetElapsedTime(started) + wait > retry.MaxElapsed)
            {
                return result;
            }

            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the call's turn; false when a background call waited longer than it is worth.</summary>
    private async ValueTask<bool> TakeTurnAsync(RequestPriority priority, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (RateLimiter.TryAcquire())
        {
            return true; // the common case: a free turn, taken without a wait (or the timers a wait needs)
        }

        if (priority != RequestPriority.Background)
        {
            await RateLimiter.AcquireAsync(priority, cancellationToken).ConfigureAwait(false);
            return true;
        }

        using var deadline = new CancellationTokenSource(_options.RateLimit.BackgroundMaxWait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await RateLimiter.AcquireAsync(priority, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<GuestChatResult<T>> AttemptAsync<T>(Call<T> call, int attempt, CancellationToken cancellationToken)
    {
        // Every path starts at the host's root (GuestChatPaths), and the headers are written as they are:
        // nothing here needs HttpClient to parse, combine or format a value again on every request.
        using var request = new HttpRequestMessage(call.Method, new Uri(_origin + call.PathAndQuery, UriKind.Absolute));
        request.Headers.TryAddWithoutValidation("Accept", JsonMediaType);
        if (call.Jwt is { } jwt)
        {
            request.Headers.TryAddWithoutValidation("Authorization", jwt.AuthorizationHeader);
        }

        if (call.Body is not null)
        {
            request.Content = new ByteArrayContent(call.Body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", JsonContentType);
        }

        using var timeout = AttemptTimeout(cancellationToken, out var linked);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var correlationId = response.Headers.NonValidated.TryGetValues(GuestChatPaths.CorrelationHeader, out var values) && values.Count > 0 ? values.ToString() : null;
            if (response.IsSuccessStatusCode)
            {
                return await ReadSuccessAsync(call, response, correlationId, attempt, timeout.Token).ConfigureAwait(false);
            }

            return GuestChatResult<T>.Failure(await ReadErrorAsync(call, response, correlationId, attempt, timeout.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return GuestChatResult<T>.Failure(NoAnswer(call, attempt, "client.timeout", $"No answer within {_options.Retry.AttemptTimeout}.", requestSent: true));
        }
        catch (HttpRequestException e)
        {
            // A connection that never opened carried nothing; one that broke mid-way may have.
            var sent = e.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError);
            return GuestChatResult<T>.Failure(NoAnswer(call, attempt, "client.connection", e.Message, sent));
        }
        finally
        {
            linked?.Dispose();
        }
    }

    /// <summary>
    /// What cancels one attempt: the caller's token or <see cref="RetryOptions.AttemptTimeout"/>. On the
    /// system clock that is one source with one timer; another clock (tests) needs a source of its own for
    /// the timer, linked (<paramref name="linked"/>, disposed by the caller after the returned one).
    /// </summary>
    private CancellationTokenSource AttemptTimeout(CancellationToken cancellationToken, out CancellationTokenSource? linked)
    {
        if (_time == TimeProvider.System)
        {
            linked = null;
            var source = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : new CancellationTokenSource();
            source.CancelAfter(_options.Retry.AttemptTimeout);
            return source;
        }

        linked = new CancellationTokenSource(_options.Retry.AttemptTimeout, _time);
        return CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, linked.Token);
    }

    private static async Task<GuestChatResult<T>> ReadSuccessAsync<T>(Call<T> call, HttpResponseMessage response, string? correlationId, int attempt, CancellationToken cancellationToken)
    {
        if (call.Response is null)
        {
            return GuestChatResult<T>.Success(default!);
        }

        try
        {
            var value = await ReadJsonAsync(response.Content, call.Response, cancellationToken).ConfigureAwait(false);
            if (value is not null)
            {
                return GuestChatResult<T>.Success(value);
            }
        }
        catch (JsonException)
        {
            // Falls through to the error below.
        }

        return GuestChatResult<T>.Failure(new GuestChatError
        {
            Operation = call.Operation,
            Kind = call.Safe ? FailureKind.RetryAfter : FailureKind.OutcomeUnknown,
            Status = (int)response.StatusCode,
            Code = "client.invalid.response",
            Message = "The answer's body could not be read.",
            CorrelationId = correlationId,
            Attempts = attempt,
        });
    }

    /// <summary>
    /// Reads an answer's JSON body whole into a pooled buffer (its length when given, grown as needed when
    /// not) and parses it in one pass, without the serializer's resumable state for a stream. A body past
    /// <see cref="MostBuffered"/> is no answer of this API, and is refused as unreadable.
    /// </summary>
    private static async Task<T?> ReadJsonAsync<T>(HttpContent content, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var length = content.Headers.ContentLength;
        if (length > MostBuffered)
        {
            throw new JsonException($"An answer of {length} bytes is larger than any this API gives.");
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(length is > 0 ? (int)length.Value : 4096);
            var read = 0;
            try
            {
                while (true)
                {
                    if (read == buffer.Length)
                    {
                        if (read >= MostBuffered)
                        {
                            throw new JsonException("The answer is larger than any this API gives.");
                        }

                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MostBuffered));
                        buffer.AsSpan(0, read).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    read += n;
                    if (read == length)
                    {
                        break; // all that was announced: no further read, and no larger buffer for the end
                    }
                }

                return JsonSerializer.Deserialize(buffer.AsSpan(0, read), type);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async Task<GuestChatError> ReadErrorAsync<T>(Call<T> call, HttpResponseMessage response, string? correlationId, int attempt, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        ErrorBody? body = null;
        try
        {
            var text = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (text.Length is > 0 and < 1024 * 1024)
            {
                body = JsonSerializer.Deserialize(text, Json.ErrorBody);
            }
        }
        catch (JsonException)
        {
            // Not an ErrorBody (a proxy's HTML page, say): the status speaks for itself.
        }

        var kind = status switch
        {
            429 => FailureKind.RetryAfter,
            502 or 503 or 504 => call.Safe ? FailureKind.RetryAfter : FailureKind.OutcomeUnknown,
            _ => FailureKind.Final,
        };
        return new GuestChatError
        {
            Operation = call.Operation,
            Kind = kind,
            Status = status,
            Code = body?.Code ?? $"http.{status}",
            Message = body?.Message ?? response.ReasonPhrase ?? $"HTTP {status}",
            MessageParams = body?.MessageParams,
            CorrelationId = body?.ContextId ?? correlationId,
            RetryAfter = status == 429 ? RetryAfterOf(response) : null,
            Attempts = attempt,
            Field = body?.Details?.FirstOrDefault(d => d.FieldName is not null)?.FieldName ?? body?.MessageParams?.GetValueOrDefault("field"),
        };
    }

    private TimeSpan RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - _time.GetUtcNow() : _options.Retry.DefaultRetryAfter);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private static GuestChatError NoAnswer<T>(Call<T> call, int attempt, string code, string message, bool requestSent) => new()
    {
        Operation = call.Operation,
        Kind = !requestSent || call.Safe ? FailureKind.RetryAfter : FailureKind.OutcomeUnknown,
        Code = code,
        Message = message,
        Attempts = attempt,
    };

    private static TimeSpan Backoff(int attempt, RetryOptions retry)
    {
        var ceiling = Math.Min(retry.MaxDelay.TotalMilliseconds, retry.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    /// <summary>One operation's shape: what to send, whether repeating it is harmless, how to read the answer.</summary>
    private sealed record Call<T>(string Operation, HttpMethod Method, string PathAndQuery, GuestJwt? Jwt, byte[]? Body, bool Safe, JsonTypeInfo<T>? Response, RequestPriority Priority);
}
