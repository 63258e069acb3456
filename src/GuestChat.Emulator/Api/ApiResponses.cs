using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GuestChat.Client;
using GuestChat.Client.Models;
using GuestChat.Client.Serialization;
using GuestChat.Emulator.Chat;

namespace GuestChat.Emulator.Api;

/// <summary>Writes answers the way the API does: JSON bodies, ErrorBody errors whose contextId is the correlation header.</summary>
internal static class ApiResponses
{
    /// <summary>The correlation id of this exchange (set by <see cref="ApiEnvelopeMiddleware"/>).</summary>
    public static string CorrelationId(HttpContext context) => context.TraceIdentifier;

    public static Task WriteJsonAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, typeInfo, context.RequestAborted);
    }

    public static Task WriteOkAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo) =>
        WriteJsonAsync(context, StatusCodes.Status200OK, value, typeInfo);

    public static Task WriteErrorAsync(HttpContext context, ChatError error) =>
        WriteErrorAsync(context, error.Status, error.Code, error.Message, error.Field);

    public static Task WriteErrorAsync(HttpContext context, int status, string code, string message, string? field = null, ErrorLimit? limit = null)
    {
        // A fault may replace an answer already prepared; the correlation header must survive that.
        context.Response.Headers[GuestChatPaths.CorrelationHeader] = CorrelationId(context);
        var body = new ErrorBody
        {
            Message = message,
            Code = code,
            Status = status,
            MessageWithParams = message,
            MessageParams = field is null
                ? new Dictionary<string, string> { ["message"] = message }
                : new Dictionary<string, string> { ["message"] = message, ["field"] = field },
            ContextId = CorrelationId(context),
            Details = field is null ? [] : [new ErrorDetail { ErrorCode = code, FieldName = field }],
            Errors = [],
            Limit = limit,
        };
        return WriteJsonAsync(context, status, body, GuestChatJsonContext.Default.ErrorBody);
    }

    public static Task WriteThrottledAsync(HttpContext context, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyRequests,
            $"Rate limit exceeded the maximum. Retry the request in [{retryAfterSeconds}] seconds",
            limit: new ErrorLimit { Key = "webchat.guest.requests", Namespace = "webchat", Value = 180 });
    }
}
