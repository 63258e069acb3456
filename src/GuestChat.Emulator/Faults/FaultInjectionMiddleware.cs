using GuestChat.Client;
using GuestChat.Emulator.Api;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Control;
using GuestChat.Emulator.Options;

namespace GuestChat.Emulator.Faults;

/// <summary>
/// Injects the request faults in force into the guest API (never the control API): added latency,
/// 429 with <c>Retry-After</c>, and 502/503/504. Some 504s are answered after the request was carried
/// out, as a gateway timing out on a slow backend does: the caller cannot know whether it happened.
/// With an organization budget set, requests beyond it are answered 429 first. Every fault is counted.
/// </summary>
internal sealed class FaultInjectionMiddleware(RequestDelegate next, ChatPlatform platform)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(GuestChatPaths.Root, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        var faults = platform.Faults;
        if (faults.LatencyMax > TimeSpan.Zero)
        {
            var delay = faults.LatencyMin + ((faults.LatencyMax - faults.LatencyMin) * Random.Shared.NextDouble());
            platform.Counters.Increment(EmulatorCounter.FaultDelayed);
            await Task.Delay(delay, platform.Time, context.RequestAborted);
        }

        if (faults.OrganizationRequestsPerSecond > 0 && !platform.OrganizationBudget.TryTake(faults.OrganizationRequestsPerSecond, out var wait))
        {
            // Retry-After is in whole seconds, so a wait of a few milliseconds is still answered with 1.
            platform.Counters.Increment(EmulatorCounter.OrganizationThrottled);
            await ApiResponses.WriteThrottledAsync(context, (int)Math.Max(1, Math.Ceiling(wait.TotalSeconds)));
            return;
        }

        var roll = Random.Shared.NextDouble();
        if (roll < faults.ThrottleShare)
        {
            platform.Counters.Increment(EmulatorCounter.FaultThrottled);
            await ApiResponses.WriteThrottledAsync(context, faults.RetryAfterSeconds);
            return;
        }

        if (roll < faults.ThrottleShare + faults.ServerErrorShare)
        {
            await InjectServerErrorAsync(context, faults);
            return;
        }

        await next(context);
    }

    private async Task InjectServerErrorAsync(HttpContext context, FaultSettings faults)
    {
        var status = faults.ServerErrorStatuses[Random.Shared.Next(faults.ServerErrorStatuses.Count)];
        if (status == 504 && Random.Shared.NextDouble() < faults.TimeoutAppliedShare)
        {
            await CarryOutAndDiscardAsync(context);
            platform.Counters.Increment(EmulatorCounter.FaultGatewayTimeoutAfterApply);
        }
        else
        {
            platform.Counters.Increment(status switch
            {
                502 => EmulatorCounter.FaultBadGateway,
                503 => EmulatorCounter.FaultServiceUnavailable,
                _ => EmulatorCounter.FaultGatewayTimeout,
            });
        }

        var (code, message) = status switch
        {
            502 => (ErrorCodes.BadGateway, "The gateway could not reach the chat service"),
            503 => (ErrorCodes.ServiceUnavailable, "The chat service is unavailable"),
            _ => (ErrorCodes.RequestTimeout, "The request timed out"),
        };
        await ApiResponses.WriteErrorAsync(context, status, code, message);
    }

    private async Task CarryOutAndDiscardAsync(HttpContext context)
    {
        var realBody = context.Response.Body;
        context.Response.Body = Stream.Null;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = realBody;
        }

        context.Response.Clear();
    }
}
