using GuestChat.Emulator.Api;
using GuestChat.Emulator.Chat;

namespace GuestChat.Emulator.WebMessaging;

/// <summary>
/// Web Messaging's guest socket, <c>/v1?deploymentId=</c>: the deployment must exist and be enabled
/// (else the upgrade is refused with 400 naming <c>deploymentId</c>); the session is chosen by the first
/// <c>configureSession</c> on it.
/// </summary>
internal static class WebMessagingEndpoint
{
    public const string Path = "/v1";

    /// <summary>The history of the caller's conversation, with the JWT of <c>getJwt</c>.</summary>
    public const string HistoryPath = "/api/v2/webmessaging/messages";

    /// <summary>A deployment's configuration, as Genesys's CDN serves it to Messenger clients.</summary>
    public const string ConfigPath = "/webdeployments/v1/deployments/{deploymentId}/config.json";

    public static IEndpointRouteBuilder MapWebMessaging(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, AttachAsync);
        routes.MapGet(HistoryPath, HistoryAsync);
        routes.MapGet(ConfigPath, ConfigAsync);
        return routes;
    }

    /// <summary>
    /// The fields Genesys's transport SDK reads (its <c>DeploymentConfig</c>): the endpoints (this emulator),
    /// the conversation settings it honours (agent typing shown, the end making the conversation read-only,
    /// auto start (a Presence Join starts the conversation), no attachments), the status (<c>Inactive</c> for a disabled deployment) and whether
    /// guests must authenticate. 404 for an unknown deployment.
    /// </summary>
    private static async Task ConfigAsync(HttpContext context)
    {
        var platform = context.RequestServices.GetRequiredService<ChatPlatform>();
        var id = (string)context.Request.RouteValues["deploymentId"]!;
        var deployment = platform.Options.Deployments.Find(d => string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase));
        if (deployment is null)
        {
            await ApiResponses.WriteErrorAsync(context, 404, Client.ErrorCodes.NotFound, $"The deployment {id} was not found", "deploymentId");
            return;
        }

        var origin = $"{context.Request.Scheme}://{context.Request.Host}";
        var socket = $"{(context.Request.IsHttps ? "wss" : "ws")}://{context.Request.Host}";
        context.Response.ContentType = "application/json";
        await using var json = new System.Text.Json.Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("id", deployment.Id);
        json.WriteString("version", "1");
        json.WriteStartArray("languages");
        json.WriteStringValue("en-us");
        json.WriteEndArray();
        json.WriteString("defaultLanguage", "en-us");
        json.WriteString("apiEndpoint", origin);
        json.WriteStartObject("messenger");
        json.WriteBoolean("enabled", true);
        json.WriteStartObject("apps");
        json.WriteStartObject("conversations");
        json.WriteString("messagingEndpoint", socket);
        json.WriteBoolean("showAgentTypingIndicator", true);
        json.WriteBoolean("showUserTypingIndicator", true);
        json.WriteStartObject("autoStart");
        json.WriteBoolean("enabled", true);
        json.WriteEndObject();
        json.WriteStartObject("conversationDisconnect");
        json.WriteBoolean("enabled", true);
        json.WriteString("type", "ReadOnly");
        json.WriteEndObject();
        json.WriteStartObject("conversationClear");
        json.WriteBoolean("enabled", false);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartObject("styles");
        json.WriteString("primaryColor", "#ff4f1f");
        json.WriteEndObject();
        json.WriteStartObject("launcherButton");
        json.WriteString("visibility", "On");
        json.WriteEndObject();
        json.WriteStartObject("fileUpload");
        json.WriteStartArray("modes");
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartObject("journeyEvents");
        json.WriteBoolean("enabled", false);
        json.WriteEndObject();
        json.WriteString("status", deployment.Enabled ? "Active" : "Inactive");
        json.WriteStartObject("auth");
        json.WriteBoolean("enabled", deployment.RequireAuthentication);
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync();
    }

    /// <summary>
    /// <c>{entities, pageSize, pageNumber, total, pageCount}</c>, newest first: the conversation's text
    /// messages in the shape the socket shows them. 401 without a valid bearer JWT; <c>pageNumber</c> from 1,
    /// <c>pageSize</c> 1 to 100 (25 when not given), else 400 naming the parameter.
    /// </summary>
    private static async Task HistoryAsync(HttpContext context)
    {
        var platform = context.RequestServices.GetRequiredService<ChatPlatform>();
        var authorized = GuestAuthorization.Authorize(context, platform, conversationId: null);
        if (authorized.Error is { } refused)
        {
            await ApiResponses.WriteErrorAsync(context, refused);
            return;
        }

        var pageNumber = QueryParameters.Int(context.Request, "pageNumber", 1, 1, int.MaxValue);
        var pageSize = QueryParameters.Int(context.Request, "pageSize", 25, 1, 100);
        if ((pageNumber.Error ?? pageSize.Error) is { } invalid)
        {
            await ApiResponses.WriteErrorAsync(context, invalid);
            return;
        }

        var conversation = authorized.Value.Conversation;
        var (page, total) = conversation.History(pageNumber.Value, pageSize.Value);
        context.Response.ContentType = "application/json";
        await using var json = new System.Text.Json.Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteStartArray("entities");
        foreach (var (message, sender) in page)
        {
            MessengerFrames.WriteMessage(json, conversation, message, sender);
        }

        json.WriteEndArray();
        json.WriteNumber("pageSize", pageSize.Value);
        json.WriteNumber("pageNumber", pageNumber.Value);
        json.WriteNumber("total", total);
        json.WriteNumber("pageCount", (total + pageSize.Value - 1) / pageSize.Value);
        json.WriteEndObject();
        await json.FlushAsync();
    }

    private static async Task AttachAsync(HttpContext context)
    {
        var platform = context.RequestServices.GetRequiredService<ChatPlatform>();
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await ApiResponses.WriteErrorAsync(context, 400, Client.ErrorCodes.BadRequest, "Web Messaging takes a websocket upgrade");
            return;
        }

        var id = context.Request.Query["deploymentId"].ToString();
        var deployment = platform.Options.Deployments.Find(d => string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase));
        if (deployment is not { Enabled: true })
        {
            await ApiResponses.WriteErrorAsync(context, 400, Client.ErrorCodes.BadRequest,
                id.Length == 0 ? "deploymentId is required" : "deploymentId names no active deployment", "deploymentId");
            return;
        }

        using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
        var socket = new MessagingSocket(platform, deployment, webSocket, context.Abort);
        platform.Counters.SocketOpened();
        platform.Sockets.Add(socket);
        try
        {
            await socket.RunAsync(context.RequestAborted);
        }
        finally
        {
            socket.Leave();
            platform.Sockets.Remove(socket);
            socket.Ended();
            platform.Counters.SocketClosed();
        }
    }
}
