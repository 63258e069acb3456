using GuestChat.Client;
using GuestChat.Emulator.Api;
using GuestChat.Emulator.Chat;

namespace GuestChat.Emulator.Streaming;

/// <summary>
/// The websocket a guest attaches at its <c>eventStreamUri</c>. The token in the path is checked like
/// a bearer token; the first socket of a chat routes it; the chat's frames flow until it is closed
/// by either side, dropped, or closed with 1000 after the chat ends.
/// </summary>
internal static class EventStreamEndpoint
{
    public static IEndpointRouteBuilder MapEventStream(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(EventStreamPaths.Current + "/{token}", AttachAsync);
        routes.MapGet(EventStreamPaths.Legacy + "/{token}", AttachAsync);
        return routes;
    }

    private static async Task AttachAsync(HttpContext context)
    {
        var platform = context.RequestServices.GetRequiredService<ChatPlatform>();
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await ApiResponses.WriteErrorAsync(context, 400, ErrorCodes.BadRequest, "The event stream takes a websocket upgrade");
            return;
        }

        var authorized = GuestAuthorization.AuthorizeToken(platform, (string)context.Request.RouteValues["token"]!, conversationId: null);
        if (authorized.Error is { } refused)
        {
            await ApiResponses.WriteErrorAsync(context, refused);
            return;
        }

        var conversation = authorized.Value.Conversation;
        using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
        var socket = new GuestSocket(conversation, webSocket, context.Abort, platform.Counters,
            platform.Options.SocketOutboxLimit, platform.Time.GetUtcNow(), platform.Sent);
        platform.Counters.SocketOpened();
        platform.Sockets.Add(socket);
        try
        {
            if (!conversation.Attach(socket))
            {
                socket.CloseNormally();
            }

            await socket.RunAsync(context.RequestAborted);
        }
        finally
        {
            conversation.Detach(socket);
            platform.Sockets.Remove(socket);
            socket.Ended();
            platform.Counters.SocketClosed();
        }
    }
}
