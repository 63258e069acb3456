using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Akka.TestKit.Xunit2;
using GuestChat.Actors.EventStreams;
using GuestChat.Client.Events;
using static GuestChat.Actors.EventStreams.EventStreamEvents;

namespace GuestChat.Actors.Tests.EventStreams;

/// <summary>
/// The socket actor's own websocket upgrade against a raw TCP server that answers as told: a server
/// that is not a websocket is refused with its status, and frames the server sends in the same packet
/// as its 101 answer (or too large to take) are neither lost nor fatal.
/// </summary>
public sealed class HandshakeTests : TestKit, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private const string Token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJndWVzdCJ9.c2lnbmF0dXJl";
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public HandshakeTests() => _listener.Start();

    [Fact]
    public async Task Frames_sent_with_the_upgrade_answer_arrive_in_order_and_an_oversized_one_is_skipped()
    {
        var parent = CreateTestProbe();
        var serving = ServeAsync(key => [
            .. Answer101(key),
            .. TextFrame(Heartbeat),
            .. TextFrame(new string('x', EventStreamParser.MaxFrameBytes + 10)),
            .. TextFrame("{\"topicName\":\"v2.conversations.chats.c1.messages\""),
            .. TextFrame(Heartbeat),
        ]);
        parent.ChildActorOf(EventStreamActor.Props(Address(), 7));

        parent.ExpectMsg<Opened>(o => o.Incarnation == 7, Patience);
        Assert.IsType<HeartbeatEvent>(parent.ExpectMsg<FrameReceived>(Patience).Event);
        Assert.Contains("larger than", Assert.IsType<UnparseableFrame>(parent.ExpectMsg<FrameReceived>(Patience).Event).Reason, StringComparison.Ordinal);
        Assert.IsType<UnparseableFrame>(parent.ExpectMsg<FrameReceived>(Patience).Event);
        Assert.IsType<HeartbeatEvent>(parent.ExpectMsg<FrameReceived>(Patience).Event);
        await serving;
    }

    [Fact]
    public async Task A_server_that_answers_without_upgrading_is_refused_with_its_status_and_without_the_token()
    {
        var parent = CreateTestProbe();
        var serving = ServeAsync(_ => Encoding.ASCII.GetBytes("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"));
        parent.ChildActorOf(EventStreamActor.Props(Address(), 1));

        var closed = parent.ExpectMsg<Closed>(Patience);
        Assert.Equal(CloseReason.ConnectFailed, closed.Reason);
        Assert.Contains("401", closed.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, closed.Detail, StringComparison.Ordinal);
        await serving;
    }

    [Fact]
    public async Task A_101_without_the_right_accept_key_is_refused()
    {
        var parent = CreateTestProbe();
        var serving = ServeAsync(_ => Answer101("not-the-key"));
        parent.ChildActorOf(EventStreamActor.Props(Address(), 1));

        var closed = parent.ExpectMsg<Closed>(Patience);
        Assert.Equal(CloseReason.ConnectFailed, closed.Reason);
        Assert.Contains("Sec-WebSocket-Accept", closed.Detail, StringComparison.Ordinal);
        await serving;
    }

    public new void Dispose()
    {
        _listener.Stop();
        base.Dispose();
    }

    private const string Heartbeat = "{\"topicName\":\"channel.metadata\",\"eventBody\":{\"message\":\"WebSocket Heartbeat\"}}";

    private EventStreamAddress Address()
    {
        var uri = $"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/streams/{Token}";
        return new EventStreamAddress(uri, Token);
    }

    /// <summary>Takes one connection, checks its upgrade request, writes the answer in one go and keeps the connection open a little.</summary>
    private async Task ServeAsync(Func<string, byte[]> answer)
    {
        using var client = await _listener.AcceptTcpClientAsync().WaitAsync(Patience);
        var stream = client.GetStream();
        var request = new StringBuilder();
        var buffer = new byte[1024];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(Patience);
            Assert.NotEqual(0, read);
            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var lines = request.ToString().Split("\r\n");
        Assert.Equal($"GET /streams/{Token} HTTP/1.1", lines[0]);
        var key = lines.Single(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase)).Split(':', 2)[1].Trim();
        await stream.WriteAsync(answer(key));
        await Task.Delay(500);
    }

    private static byte[] Answer101(string key)
    {
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        return Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n");
    }

    /// <summary>One unmasked text frame, as a server sends it.</summary>
    private static byte[] TextFrame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var header = payload.Length switch
        {
            < 126 => new byte[] { 0x81, (byte)payload.Length },
            <= ushort.MaxValue => [0x81, 126, 0, 0],
            _ => [0x81, 127, 0, 0, 0, 0, 0, 0, 0, 0],
        };
        if (payload.Length is >= 126 and <= ushort.MaxValue)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)payload.Length);
        }
        else if (payload.Length > ushort.MaxValue)
        {
            BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), (ulong)payload.Length);
        }

        return [.. header, .. payload];
    }
}
