using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace GuestChat.Client.WebMessaging;

/// <summary>
/// One guest's Web Messaging session on one socket: opened with its token (a new session, or the same one
/// resumed), then its requests, each answered in order of what the server says about it (a text message is
/// taken only when it comes back Inbound with its tracing id), and every other frame the server sends in
/// <see cref="Frames"/> (agent messages, typing, the end, the guest's own messages too, and frames that
/// could not be read, as <see cref="UnreadableFrame"/>). The token is the session: it is never printed.
/// </summary>
public sealed class WebMessagingSession : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly string _token;
    private readonly Channel<WebMessagingFrame> _frames = Channel.CreateUnbounded<WebMessagingFrame>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WebMessagingFrame>> _waiting = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private TaskCompletionSource<WebMessagingFrame>? _sessionAnswer;
    private JwtResponse? _jwt;
    private Task _receiving = Task.CompletedTask;

    private WebMessagingSession(ClientWebSocket socket, string token)
    {
        _socket = socket;
        _token = token;
    }

    /// <summary>The server's answer to <c>configureSession</c>: new or resumed, read-only after the conversation ended.</summary>
    public SessionResponse Session { get; private set; } = null!;

    /// <summary>What the server says that is not the answer to one of this session's requests, in order; completes when the socket closes.</summary>
    public ChannelReader<WebMessagingFrame> Frames => _frames.Reader;

    /// <summary>How long a request waits for its answer.</summary>
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Connects to the deployment's socket (with an <c>Origin</c> header when given, as a browser would send)
    /// and configures the session of <paramref name="token"/>; throws <see cref="WebMessagingException"/> when the
    /// server refuses it (4006 expired, say) and <see cref="WebSocketException"/> when the socket cannot open.
    /// </summary>
    public static async Task<WebMessagingSession> OpenAsync(WebMessagingEndpoints endpoints, string deploymentId, string token, bool startNew = false, string? origin = null, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        var session = new WebMessagingSession(socket, token);
        try
        {
            await socket.ConnectAsync(endpoints.Socket(deploymentId), cancellationToken);
            session._receiving = Task.Run(session.ReceiveAsync, CancellationToken.None);
            var answer = await session.AskSessionAsync(WebMessagingRequests.ConfigureSession(token, deploymentId, startNew), cancellationToken);
            session.Session = answer;
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a text; returns the message as the server took it (its Inbound echo with <paramref name="tracingId"/>).</summary>
    public async Task<StructuredMessage> SendTextAsync(string text, string tracingId, IReadOnlyDictionary<string, string>? customAttributes = null, CancellationToken cancellationToken = default)
    {
        var answer = await AskAsync(tracingId, WebMessagingRequests.SendText(_token, text, tracingId, customAttributes), cancellationToken);
        return answer is StructuredMessageFrame { Message.IsInbound: true } echoed
            ? echoed.Message
            : throw new WebMessagingException(answer.Code, $"Unexpected answer to a message: {answer.GetType().Name}.");
    }

    /// <summary>Tells the agent the guest is typing (no answer comes).</summary>
    public Task TypingAsync(CancellationToken cancellationToken = default) =>
        SendAsync(WebMessagingRequests.TypingOn(_token, Guid.NewGuid().ToString()), cancellationToken);

    /// <summary>Starts the conversation now (a Presence Join, Messenger's "auto start"): an agent is sought before the guest says anything.</summary>
    public Task AutoStartAsync(CancellationToken cancellationToken = default) =>
        SendAsync(WebMessagingRequests.AutoStart(_token, Guid.NewGuid().ToString()), cancellationToken);

    /// <summary>Ends and clears the conversation from the guest's side; the server then sends <c>SessionClearedEvent</c> (in <see cref="Frames"/>).</summary>
    public Task ClearConversationAsync(CancellationToken cancellationToken = default) =>
        SendAsync(WebMessagingRequests.ClearConversation(_token, Guid.NewGuid().ToString()), cancellationToken);

    /// <summary>The health check: <c>echo</c>, answered with "ping"; returns the round trip.</summary>
    public async Task<TimeSpan> EchoAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await AskAsync(WebMessagingRequests.EchoTracingId, WebMessagingRequests.Echo(_token), cancellationToken);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>A JWT for the history endpoint, reused while it has more than 5 s to live.</summary>
    public async Task<JwtResponse> GetJwtAsync(CancellationToken cancellationToken = default)
    {
        if (_jwt is { } held && DateTimeOffset.FromUnixTimeSeconds(held.Expires) > DateTimeOffset.UtcNow.AddSeconds(5))
        {
            return held;
        }

        var tracingId = Guid.NewGuid().ToString();
        var answer = await AskAsync(tracingId, WebMessagingRequests.GetJwt(_token, tracingId), cancellationToken);
        return _jwt = answer as JwtResponse ?? throw new WebMessagingException(answer.Code, $"Unexpected answer to getJwt: {answer.GetType().Name}.");
    }

    /// <summary>Closes the session (<c>closeSession</c>); with <paramref name="closeAllConnections"/> its other sockets are closed too.</summary>
    public async Task CloseSessionAsync(bool closeAllConnections, CancellationToken cancellationToken = default) =>
        await AskSessionAsync(WebMessagingRequests.CloseSession(_token, closeAllConnections), cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Gone already.
            }
        }

        _socket.Abort();
        await _receiving;
        _socket.Dispose();
        _sending.Dispose();
        _closing.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"WebMessagingSession {{ State = {_socket.State} }}";

    private async Task<SessionResponse> AskSessionAsync(byte[] request, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<WebMessagingFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _sessionAnswer, answer, null) is not null)
        {
            throw new InvalidOperationException("A session request is already waiting for its answer.");
        }

        try
        {
            await SendAsync(request, cancellationToken);
            return await answer.Task.WaitAsync(AnswerTimeout, cancellationToken) as SessionResponse
                ?? throw new WebMessagingException(0, "Unexpected answer to a session request.");
        }
        finally
        {
            Interlocked.CompareExchange(ref _sessionAnswer, null, answer);
        }
    }

    private async Task<WebMessagingFrame> AskAsync(string tracingId, byte[] request, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<WebMessagingFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_waiting.TryAdd(tracingId, answer))
        {
            throw new InvalidOperationException($"A request with tracing id {tracingId} is already waiting for its answer.");
        }

        try
        {
            await SendAsync(request, cancellationToken);
            return await answer.Task.WaitAsync(AnswerTimeout, cancellationToken);
        }
        finally
        {
            _waiting.TryRemove(new KeyValuePair<string, TaskCompletionSource<WebMessagingFrame>>(tracingId, answer));
        }
    }

    private async Task SendAsync(byte[] request, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(request, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException || (e is InvalidOperationException && _socket.State != WebSocketState.Open))
        {
            throw new WebMessagingException(0, "The socket is gone: " + e.Message, sent: false);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[16 * 1024];
        var frame = new ArrayBufferWriter<byte>(16 * 1024);
        var length = 0;
        var lost = new WebMessagingException(0, "The socket closed before the answer came.");
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), _closing.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    lost = new WebMessagingException(0, $"The server closed the socket ({_socket.CloseStatus} {_socket.CloseStatusDescription}).");
                    break;
                }

                length += result.Count;
                if (length <= WebMessagingParser.MaxFrameBytes)
                {
                    frame.Write(buffer.AsSpan(0, result.Count));
                }

                if (result.EndOfMessage)
                {
                    // Never trusted: a frame too long or unreadable goes on as an UnreadableFrame for the reader to log and skip.
                    Dispatch(length <= WebMessagingParser.MaxFrameBytes
                        ? WebMessagingParser.Parse(frame.WrittenMemory)
                        : new UnreadableFrame($"A frame of {length} bytes exceeds the limit of {WebMessagingParser.MaxFrameBytes}."));
                    frame.ResetWrittenCount();
                    length = 0;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            lost = new WebMessagingException(0, "The socket was lost: " + e.Message);
        }
        finally
        {
            _frames.Writer.TryComplete();
            _sessionAnswer?.TrySetException(lost);
            foreach (var waiting in _waiting.Values)
            {
                waiting.TrySetException(lost);
            }
        }
    }

    /// <summary>An answer goes to whoever waits for it; everything else, the guest's own messages included, to <see cref="Frames"/>.</summary>
    private void Dispatch(WebMessagingFrame frame)
    {
        switch (frame)
        {
            case SessionResponse or ErrorResponse when frame.TracingId is null && Volatile.Read(ref _sessionAnswer) is { } session:
                Complete(session, frame);
                return;

            case { TracingId: { } id } when _waiting.TryGetValue(id, out var waiting):
                Complete(waiting, frame);
                if (frame is StructuredMessageFrame { Message.IsInbound: true } && id != WebMessagingRequests.EchoTracingId)
                {
                    _frames.Writer.TryWrite(frame); // the guest's own message belongs in the conversation too
                }

                return;

            default:
                _frames.Writer.TryWrite(frame);
                return;
        }
    }

    private static void Complete(TaskCompletionSource<WebMessagingFrame> waiting, WebMessagingFrame frame)
    {
        switch (frame)
        {
            case TooManyRequests limited:
                waiting.TrySetException(new WebMessagingException(limited.ErrorCode, limited.ErrorMessage ?? "Too many requests.", TimeSpan.FromSeconds(limited.RetryAfterSeconds)));
                break;
            case ErrorResponse error:
                waiting.TrySetException(new WebMessagingException(error.Code, error.Message));
                break;
            default:
                waiting.TrySetResult(frame);
                break;
        }
    }
}
