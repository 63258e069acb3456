using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using GuestChat.Client.Models;
using GuestChat.Emulator.Options;

namespace GuestChat.Emulator.Tests.Support;

/// <summary>A guest over real HTTP and a real websocket, recording every frame it receives.</summary>
internal sealed class TestGuest : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly List<JsonNode> _frames = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private ClientWebSocket? _socket;
    private Task? _receiving;

    private TestGuest(HttpClient http, CreateWebChatConversationResponse created)
    {
        _http = http;
        ConversationId = created.Id!;
        MemberId = created.Member!.Id!;
        Jwt = created.Jwt!;
        EventStreamUri = new Uri(created.EventStreamUri!);
    }

    public string ConversationId { get; }

    public string MemberId { get; }

    public string Jwt { get; }

    public Uri EventStreamUri { get; }

    public string Path => $"/api/v2/webchat/guest/conversations/{ConversationId}";

    public WebSocketCloseStatus? CloseStatus { get; private set; }

    public bool SocketEnded { get; private set; }

    public static CreateWebChatConversationRequest Request(string queue = EmulatorDefaults.QueueName, string deploymentId = EmulatorDefaults.DeploymentId, string displayName = "Test Guest") => new()
    {
        OrganizationId = EmulatorDefaults.OrganizationId,
        DeploymentId = deploymentId,
        RoutingTarget = new WebChatRoutingTarget { TargetType = RoutingTargetType.Queue, TargetAddress = queue },
        MemberInfo = new GuestMemberInfo { DisplayName = displayName },
    };

    /// <summary>The same guest again, for a second socket.</summary>
    public static TestGuest Resume(HttpClient http, CreateWebChatConversationResponse created) => new(http, created);

    public static async Task<TestGuest> CreateAsync(HttpClient http, string queue, string deploymentId, string displayName)
    {
        using var response = await http.PostAsync("/api/v2/webchat/guest/conversations",
            Json.Body(Request(queue, deploymentId, displayName), Json.Wire.CreateWebChatConversationRequest));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return new TestGuest(http, await Json.ReadAsync(response, Json.Wire.CreateWebChatConversationResponse));
    }

    public JsonNode[] Frames
    {
        get
        {
            lock (_frames)
            {
                return [.. _frames];
            }
        }
    }

    public async Task AttachAsync()
    {
        _socket = new ClientWebSocket();
        await _socket.ConnectAsync(EventStreamUri, CancellationToken.None);
        _receiving = ReceiveAsync(_socket);
    }

    /// <summary>Cuts the connection without a close handshake.</summary>
    public async Task DropSocketAsync()
    {
        _socket?.Abort();
        if (_receiving is not null)
        {
            await _receiving;
        }
    }

    public Task<JsonNode> WaitForFrameAsync(Func<JsonNode, bool> match, string what) => WaitForFrameAsync(match, what, Patience);

    public async Task<JsonNode> WaitForFrameAsync(Func<JsonNode, bool> match, string what, TimeSpan patience)
    {
        using var deadline = new CancellationTokenSource(patience);
        while (true)
        {
            var found = Frames.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            try
            {
                await _arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No frame {what} within {patience}. Frames: {string.Join("\n", Frames.Select(f => f.ToJsonString()))}");
            }
        }
    }

    public Task<JsonNode> WaitForMemberStateAsync(string memberId, string state) =>
        WaitForFrameAsync(f => IsMemberChange(f, memberId, state), $"member {memberId} {state}");

    /// <summary>Waits for the agent to connect and returns its member id.</summary>
    public async Task<string> WaitForAgentAsync(int nth = 1)
    {
        var joins = await WaitForCountAsync(f => Type(f) == "message" && Body(f)?["bodyType"]?.GetValue<string>() == "member-join"
            && SenderOf(f) != MemberId, nth, "agent member-join");
        return SenderOf(joins[nth - 1])!;
    }

    public async Task<JsonNode[]> WaitForCountAsync(Func<JsonNode, bool> match, int count, string what)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var found = Frames.Where(match).ToArray();
            if (found.Length >= count)
            {
                return found;
            }

            try
            {
                await _arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Only {found.Length} of {count} frames {what}. Frames: {string.Join("\n", Frames.Select(f => f.ToJsonString()))}");
            }
        }
    }

    public async Task WaitForSocketEndAsync()
    {
        if (_receiving is null)
        {
            throw new InvalidOperationException("Not attached");
        }

        await _receiving.WaitAsync(Patience);
    }

    public HttpRequestMessage Authorized(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = Json.Bearer(Jwt);
        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, HttpContent? content = null) =>
        _http.SendAsync(Authorized(method, Path + relative, content));

    public Task<HttpResponseMessage> PostMessageAsync(string body, string? bodyType = null) =>
        SendAsync(HttpMethod.Post, $"/members/{MemberId}/messages",
            Json.Body(bodyType is null ? new JsonObject { ["body"] = body }.ToJsonString() : new JsonObject { ["body"] = body, ["bodyType"] = bodyType }.ToJsonString()));

    public Task<HttpResponseMessage> ControlAsync(HttpMethod method, string relative, object? body = null) =>
        _http.SendAsync(new HttpRequestMessage(method, $"/emulator/conversations/{ConversationId}{relative}")
        {
            Content = body is null ? null : JsonContent.Create(body),
        });

    public static string? Type(JsonNode frame) => frame["metadata"]?["type"]?.GetValue<string>();

    public static JsonNode? Body(JsonNode frame) => frame["eventBody"];

    public static string? SenderOf(JsonNode frame) => frame["eventBody"]?["sender"]?["id"]?.GetValue<string>();

    public static bool IsMemberChange(JsonNode frame, string memberId, string state) =>
        Type(frame) == "member-change"
        && frame["eventBody"]?["member"]?["id"]?.GetValue<string>() == memberId
        && frame["eventBody"]?["member"]?["state"]?.GetValue<string>() == state;

    public static bool IsMessage(JsonNode frame, string body) =>
        Type(frame) == "message" && frame["eventBody"]?["body"]?.GetValue<string>() == body;

    public static bool IsHeartbeat(JsonNode frame) =>
        frame["topicName"]?.GetValue<string>() == "channel.metadata";

    public async ValueTask DisposeAsync()
    {
        if (_socket is not null)
        {
            _socket.Abort();
            if (_receiving is not null)
            {
                await _receiving;
            }

            _socket.Dispose();
        }
    }

    private async Task ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseStatus = result.CloseStatus;
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }

                text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var frame = JsonNode.Parse(text.ToString())!;
                text.Clear();
                lock (_frames)
                {
                    _frames.Add(frame);
                }

                _arrived.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Dropped.
        }
        finally
        {
            SocketEnded = true;
            _arrived.Release();
        }
    }
}
