using GuestChat.Client;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Control;
using GuestChat.Emulator.Streaming;

namespace GuestChat.Emulator.Api;

/// <summary>
/// Around every request: a correlation id in <c>inin-correlation-id</c> (and in every ErrorBody),
/// ErrorBody answers for unknown paths and wrong methods, a 500 ErrorBody instead of a crash, and
/// counts of guest API requests and answers.
/// </summary>
internal sealed class ApiEnvelopeMiddleware(RequestDelegate next, ChatPlatform platform, ILogger<ApiEnvelopeMiddleware> log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        context.TraceIdentifier = Guid.NewGuid().ToString();
        context.Response.Headers[GuestChatPaths.CorrelationHeader] = context.TraceIdentifier;
        var guestApi = context.Request.Path.StartsWithSegments(GuestChatPaths.Root, StringComparison.OrdinalIgnoreCase);
        if (guestApi)
        {
            platform.Counters.Increment(EmulatorCounter.Requests);
        }

        try
        {
            await next(context);
            if (!context.Response.HasStarted && context.Response.StatusCode is 404 or 405 && context.Response.ContentType is null)
            {
                await (context.Response.StatusCode == 404
                    ? ApiResponses.WriteErrorAsync(context, 404, ErrorCodes.NotFound, $"No resource at {context.Request.Path}")
                    : ApiResponses.WriteErrorAsync(context, 405, ErrorCodes.MethodNotAllowed, $"{context.Request.Method} is not allowed on {context.Request.Path}"));
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            log.LogError(e, "Request {Method} {Path} failed ({CorrelationId})", context.Request.Method, EventStreamPaths.Redact(context.Request.Path), context.TraceIdentifier);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.Clear();
            await ApiResponses.WriteErrorAsync(context, 500, ErrorCodes.ChatError, "The chat service failed to handle the request");
        }

        if (guestApi)
        {
            platform.Counters.Increment(context.Response.StatusCode switch
            {
                < 300 => EmulatorCounter.Responses2xx,
                < 500 => EmulatorCounter.Responses4xx,
                _ => EmulatorCounter.Responses5xx,
            });
        }
    }
}
