using System.Buffers;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace GuestChat.Actors.EventStreams;

/// <summary>
/// Opens a client websocket with its own HTTP/1.1 upgrade (RFC 6455 section 4) on a plain TCP or TLS
/// stream, and hands the stream to <see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>.
/// </summary>
/// <remarks>
/// <see cref="ClientWebSocket"/> upgrades through an <c>HttpConnection</c> that stays under the socket for
/// its whole life with a 4 KiB read buffer, a 4 KiB write buffer and the upgrade request, whose URI holds
/// two more copies of the guest's JWT: about 13 KiB a chat that a chat never uses again. Where a proxy
/// is configured for the address (HTTPS_PROXY and the like), <see cref="ClientWebSocket"/> is used as
/// before, since it knows how to tunnel.
/// </remarks>
internal static class WebSocketConnector
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private const int MaxResponseHeaderBytes = 8 * 1024;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);
    private static readonly HttpMessageInvoker ProxiedHandler = new(new SocketsHttpHandler { UseCookies = false, ConnectTimeout = ConnectTimeout });

    /// <summary>An open websocket at <paramref name="uri"/> (ws or wss), or an exception that says why not (<see cref="WebSocketException"/>, <see cref="SocketException"/>, <see cref="IOException"/>...).</summary>
    public static async Task<WebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        if (Proxied(uri))
        {
            var client = new ClientWebSocket { Options = { KeepAliveInterval = TimeSpan.Zero } };
            try
            {
                await client.ConnectAsync(uri, ProxiedHandler, cancellationToken);
                return client;
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(uri.IdnHost, uri.Port), patience.Token);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (uri.Scheme == "wss")
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = uri.IdnHost }, patience.Token);
            }

            var leftover = await UpgradeAsync(stream, uri, patience.Token);
            return WebSocket.CreateFromStream(leftover is null ? stream : new PrefixedStream(leftover, stream), new WebSocketCreationOptions
            {
                IsServer = false,
                KeepAliveInterval = TimeSpan.Zero,
            });
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }
            else
            {
                socket.Dispose();
            }

            throw;
        }
    }

    private static bool Proxied(Uri uri)
    {
        // The proxy settings speak of http and https; a websocket goes through the proxy of its HTTP twin. Only
        // the scheme, host and port decide it: the path and query (which hold the guest's JWT, hundreds of
        // characters) are left out, so no copy of the token is parsed again for each connect.
        var http = new Uri($"{(uri.Scheme == "wss" ? "https" : "http")}://{uri.Authority}/");
        var proxy = HttpClient.DefaultProxy;
        return !proxy.IsBypassed(http) && proxy.GetProxy(http) is { } through && through != http;
    }

    /// <summary>Sends the upgrade request and reads the answer; returns what the server sent after its headers (frames already), if anything.</summary>
    private static async Task<byte[]?> UpgradeAsync(Stream stream, Uri uri, CancellationToken cancellationToken)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
        await stream.FlushAsync(cancellationToken);

        var buffer = ArrayPool<byte>.Shared.Rent(MaxResponseHeaderBytes);
        try
        {
            var length = 0;
            int end;
            while ((end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (length == MaxResponseHeaderBytes)
                {
                    throw new WebSocketException(WebSocketError.HeaderError, $"The upgrade answer's headers exceed {MaxResponseHeaderBytes} bytes.");
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length, MaxResponseHeaderBytes - length), cancellationToken);
                if (read == 0)
                {
                    throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The server closed the connection before answering the upgrade.");
                }

                length += read;
            }

            CheckAnswer(Encoding.ASCII.GetString(buffer, 0, end), key);
            var after = end + 4;
            return after < length ? buffer.AsSpan(after, length - after).ToArray() : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void CheckAnswer(string head, string key)
    {
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || status[1] != "101")
        {
            var code = status.Length >= 2 && int.TryParse(status[1], out var parsed) ? parsed : 0;
            throw new WebSocketException(WebSocketError.NotAWebSocket, $"The server answered the upgrade with '{(status.Length >= 2 ? status[1] : lines[0])}'{(code > 0 ? $" ({(HttpStatusCode)code})" : "")}, not 101.");
        }

        string? Header(string name) => lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim())
            .FirstOrDefault();

        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        if (!string.Equals(Header("Upgrade"), "websocket", StringComparison.OrdinalIgnoreCase)
            || Header("Connection")?.Contains("upgrade", StringComparison.OrdinalIgnoreCase) != true
            || Header("Sec-WebSocket-Accept") != expected)
        {
            throw new WebSocketException(WebSocketError.HeaderError, "The server's upgrade answer is not a websocket handshake (Upgrade, Connection or Sec-WebSocket-Accept).");
        }
    }

    /// <summary>The bytes that came with the upgrade answer, then the connection: frames the server sent at once are not lost.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
    {
        private byte[]? _prefix = prefix;
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix is null)
            {
                return inner.ReadAsync(buffer, cancellationToken);
            }

            var count = Math.Min(buffer.Length, _prefix.Length - _offset);
            _prefix.AsSpan(_offset, count).CopyTo(buffer.Span);
            _offset += count;
            if (_offset == _prefix.Length)
            {
                _prefix = null;
            }

            return ValueTask.FromResult(count);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
