using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using GuestChat.Client.Models;
using GuestChat.Client.Serialization;

namespace GuestChat.Benchmarks.EmulatorCapacity;

/// <summary>One chat of the load generator: created over HTTP, attached over a websocket, posting on demand.</summary>
internal sealed class LoadGuest
{
    private readonly CapacityRun _run;
    private readonly int _index;
    private string _conversationId = "";
    private string _memberId = "";
    private string _messagesPath = "";
    private AuthenticationHeaderValue? _bearer;
    private ClientWebSocket? _socket;
    private int _sequence;

    public LoadGuest(CapacityRun run, int index)
    {
        _run = run;
        _index = index;
    }

    public bool AgentConnected { get; private set; }

    public async Task OpenAsync(CreateWebChatConversationRequest request, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, GuestChatJsonContext.Default.CreateWebChatConversationRequest));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _run.Http.PostAsync("/api/v2/webchat/guest/conversations", content, cancellationToken);
        response.EnsureSuccessStatusCode();
        var created = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(cancellationToken),
            GuestChatJsonContext.Default.CreateWebChatConversationResponse, cancellationToken) ?? throw new InvalidOperationException("empty create answer");
        _conversationId = created.Id!;
        _memberId = created.Member!.Id!;
        _messagesPath = $"/api/v2/webchat/guest/conversations/{_conversationId}/members/{_memberId}/messages";
        _bearer = new AuthenticationHeaderValue("Bearer", created.Jwt);
        _socket = new ClientWebSocket();
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await _socket.ConnectAsync(new Uri(created.EventStreamUri!), cancellationToken);
        _ = ReceiveAsync(_socket);
    }

    public async Task PostAsync(CancellationToken cancellationToken)
    {
        var body = $"{_index}:{Interlocked.Increment(ref _sequence)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, _messagesPath)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"body":"{{body}}"}""")),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = _bearer;
        var sent = Stopwatch.GetTimestamp();
        _run.SentAt[body] = sent;
        try
        {
            using var response = await _run.Http.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                _run.PostLatency.Record(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                Interlocked.Increment(ref _run.PostsOk);
            }
            else
            {
                _run.SentAt.TryRemove(body, out _);
                Interlocked.Increment(ref _run.PostsFailed);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            _run.SentAt.TryRemove(body, out _);
            Interlocked.Increment(ref _run.PostsFailed);
        }
    }

    public void Close() => _socket?.Abort();

    private async Task ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[4096];
        var pending = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Interlocked.Increment(ref _run.SocketsClosedByServer);
                    return;
                }

                ReadOnlyMemory<byte> frame;
                if (result.EndOfMessage && pending.WrittenCount == 0)
                {
                    frame = buffer.AsMemory(0, result.Count);
                }
                else
                {
                    pending.Write(buffer.AsSpan(0, result.Count));
                    if (!result.EndOfMessage)
                    {
                        continue;
                    }

                    frame = pending.WrittenMemory;
                }

                OnFrame(frame);
                pending.ResetWrittenCount();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_run.Stopping)
            {
                Interlocked.Increment(ref _run.SocketsLost);
            }
        }
    }

    private void OnFrame(ReadOnlyMemory<byte> frame)
    {
        Interlocked.Increment(ref _run.FramesReceived);
        using var document = JsonDocument.Parse(frame);
        var root = document.RootElement;
        if (!root.TryGetProperty("metadata", out var metadata) || !metadata.TryGetProperty("type", out var type) || !type.ValueEquals("message"))
        {
            return;
        }

        var body = root.GetProperty("eventBody");
        var sender = body.GetProperty("sender").GetProperty("id").GetString();
        var bodyType = body.GetProperty("bodyType").GetString();
        if (bodyType == "member-join" && sender != _memberId && !AgentConnected)
        {
            AgentConnected = true;
            Interlocked.Increment(ref _run.AgentsConnected);
            return;
        }

        if (bodyType != "standard" || body.GetProperty("body").GetString() is not { } text || !_run.SentAt.TryGetValue(text, out var sent))
        {
            return;
        }

        if (sender == _memberId)
        {
            _run.EchoLatency.Record(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            Interlocked.Increment(ref _run.EchoesReceived);
        }
        else if (_run.SentAt.TryRemove(text, out _))
        {
            _run.ReplyLatency.Record(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            Interlocked.Increment(ref _run.RepliesReceived);
        }
    }
}
