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

    public static ApiError Invalid(string field, string message) => new(400, "invalid.value", message, field);

    public static ApiError Required(string field) => new(400, "missing.value", $"{field} is required", field);

    public static ApiError UnknownChat(string key) => new(404, "chat.not.found", $"No chat has the key {key}", "key");

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var body = new ErrorBody
        {
            Status = status,
            Code = code,
            Message = message,
            MessageParams = messageParams,
            ContextId = httpContext.TraceIdentifier,
            Details = field is null ? null : [new ErrorDetail { FieldName = field, ErrorCode = code }],
        };
        httpContext.Response.StatusCode = status;
        return httpContext.Response.WriteAsJsonAsync(body, ApiJson.Options, "application/json; charset=utf-8", httpContext.RequestAborted);
    }
}
