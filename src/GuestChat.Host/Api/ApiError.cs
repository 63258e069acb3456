using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Client.Models;

namespace GuestChat.Host.Api;

/// <summary>
/// An error answer of the service, in the guest chat API's own ErrorBody shape (<c>message</c>,
/// <c>code</c>, <c>status</c>, <c>contextId</c>, <c>details[].fieldName</c>), so that one error reader
/// serves both; <c>contextId</c> equals the <c>X-Correlation-Id</c> response header.
/// </summary>
internal sealed class ApiError(int status, string code, string message, string? field = null, IReadOnlyDictionary<string, string>? messageParams = null) : IResult
{
    public int Status => status;

    public string Code => code;

    public string Message => message;

    /// <summary>The field at fault, if one is.</summary>
    public string? Field => @field;

    public static ApiError Invalid(string field, string message) => new(400, "invalid.value", message, field);

    public static ApiError Required(string field) => new(400, "missing.value", $"{field} is required", field);

    public static ApiError UnknownChat(string key) => new(404, "chat.not.found", $"No chat has the key {key}", "key");

    /// <summary>
    /// A refusal as the caller should see it: 404 for an unknown key or a media request the chat does not
    /// have, 409 for a key in use, an ended chat or a media request already answered, 429 at capacity, 400
    /// naming the field for a command that breaks its rules or what Genesys refused as invalid, 502 when
    /// Genesys failed, 504 when the conversation did not answer in time, 409 for a command the chat's state
    /// cannot serve.
    /// </summary>
    public static ApiError Of(ConversationRejectedException e)
    {
        var rejection = e.Rejection;
        return rejection.Kind switch
        {
            RejectionKind.UnknownKey => ApiError.UnknownChat(rejection.Key.Value),
            RejectionKind.AlreadyExists => new ApiError(409, "chat.exists", rejection.Reason, "key"),
            RejectionKind.Ended => new ApiError(409, "chat.ended", rejection.Reason, "key"),
            RejectionKind.AtCapacity => new ApiError(429, "too.many.chats", $"{rejection.Reason} (Conversations:MaxConversations)"),
            RejectionKind.Invalid => ApiError.Invalid(rejection.Field ?? "(body)", rejection.Reason),
            RejectionKind.Missing => ApiError.Required(rejection.Field ?? "(body)"),
            RejectionKind.NotFound => new ApiError(404, "not.found", rejection.Reason, rejection.Field),
            RejectionKind.Conflict => new ApiError(409, "conflict", rejection.Reason, rejection.Field),
            RejectionKind.Unanswered => new ApiError(504, "no.answer", rejection.Reason),
            _ => e.Error switch
            {
                { Status: >= 400 and < 500 and not 429 } genesys => new ApiError(400, genesys.Code, $"Genesys refused: {genesys.Message}", genesys.Field, genesys.MessageParams),
                { } genesys => new ApiError(502, genesys.Code, $"Genesys did not carry it out: {genesys.Message}"),
                null => new ApiError(409, "chat.state", rejection.Reason),
            },
        };
    }

    /// <summary>The guest chat API's ErrorBody for this error (what the HTTP API answers, and what a dead-lettered queue message carries).</summary>
    public ErrorBody Body(string? contextId) => new()
    {
        Status = status,
        Code = code,
        Message = message,
        MessageParams = messageParams,
        ContextId = contextId,
        Details = @field is null ? null : [new ErrorDetail { FieldName = @field, ErrorCode = code }],
    };

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        return httpContext.Response.WriteAsJsonAsync(Body(httpContext.TraceIdentifier), ApiJson.Options, "application/json; charset=utf-8", httpContext.RequestAborted);
    }
}
