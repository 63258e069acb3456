namespace GuestChat.Host.Api;

/// <summary>
/// Around every request: a correlation id (<c>X-Correlation-Id</c>, and <c>contextId</c> in every
/// error), ErrorBody answers for unknown paths and wrong methods, and a 500 ErrorBody instead of a
/// crash, so that no input takes the service down or leaves a caller with an empty answer.
/// </summary>
internal sealed class ApiEnvelopeMiddleware(RequestDelegate next, ILogger<ApiEnvelopeMiddleware> log)
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        context.TraceIdentifier = Guid.NewGuid().ToString();
        context.Response.Headers[CorrelationHeader] = context.TraceIdentifier;
        try
        {
            await next(context);
            if (!context.Response.HasStarted && context.Response.StatusCode is 404 or 405 && context.Response.ContentType is null)
            {
                await (context.Response.StatusCode == 404
                    ? new ApiError(404, "not.found", $"No resource at {context.Request.Path}")
                    : new ApiError(405, "method.not.allowed", $"{context.Request.Method} is not allowed on {context.Request.Path}")).ExecuteAsync(context);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away.
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals (a body over the limit, a broken request) as ErrorBody answers.
            await AnswerAsync(context, new ApiError(e.StatusCode, e.StatusCode == 413 ? "request.entity.too.large" : "bad.request", e.Message));
        }
        catch (Exception e)
        {
            log.LogError(e, "Request {Method} {Path} failed ({CorrelationId})", context.Request.Method, context.Request.Path, context.TraceIdentifier);
            await AnswerAsync(context, new ApiError(500, "internal.error", "The service failed to handle the request"));
        }
    }

    private static async Task AnswerAsync(HttpContext context, ApiError error)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        context.Response.Headers[CorrelationHeader] = context.TraceIdentifier;
        await error.ExecuteAsync(context);
    }
}
