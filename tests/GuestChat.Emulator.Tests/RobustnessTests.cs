using System.Net;
using System.Net.Sockets;
using System.Text;
using GuestChat.Client;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Tests.Support;

namespace GuestChat.Emulator.Tests;

public sealed class RobustnessTests
{
    [Fact]
    public async Task Unknown_paths_are_404_and_wrong_methods_405_with_an_error_body()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await Json.AssertErrorAsync(await emulator.Http.GetAsync("/api/v2/webchat/guest/nothing-here"), 404, ErrorCodes.NotFound);
        await Json.AssertErrorAsync(await emulator.Http.GetAsync("/api/v2/webchat/guest/conversations"), 405, ErrorCodes.MethodNotAllowed);
        await Json.AssertErrorAsync(await emulator.Http.PutAsync("/api/v2/webchat/guest/conversations/x/members/y/messages", Json.Body("{}")), 405, ErrorCodes.MethodNotAllowed);
    }

    [Fact]
    public async Task The_event_stream_refuses_plain_requests_and_garbage_tokens()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await Json.AssertErrorAsync(await emulator.Http.GetAsync("/chat/jwt/whatever"), 400, ErrorCodes.BadRequest);

        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new Uri($"ws://{emulator.Emulator.BaseUrl.Authority}/chat/jwt/not.a.token");
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }

    [Fact]
    public async Task The_legacy_event_stream_path_works_too()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.GuestAsync();
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{emulator.Emulator.BaseUrl.Authority}/v1/token/{guest.Jwt}"), CancellationToken.None);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task Hostile_input_gets_errors_and_the_emulator_keeps_serving()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync(EmulatorDefaults.SilentQueueName);
        var random = new Random(7);
        var payloads = new List<byte[]>
        {
            Encoding.UTF8.GetBytes("{\"body\":\"\\uD800\"}"),
            Encoding.UTF8.GetBytes(new string('[', 5000)),
            Encoding.UTF8.GetBytes("{\"body\":{\"nested\":[1,2,{\"x\":null}]}}"),
            new byte[] { 0xff, 0xfe, 0x00, 0x41 },
        };
        for (var i = 0; i < 30; i++)
        {
            var bytes = new byte[random.Next(1, 400)];
            random.NextBytes(bytes);
            payloads.Add(bytes);
        }

        foreach (var payload in payloads)
        {
            var content = new ByteArrayContent(payload);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await guest.SendAsync(HttpMethod.Post, $"/members/{guest.MemberId}/messages", content);
            Assert.True((int)response.StatusCode is >= 400 and < 500 || response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}");
            Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        using var raw = new TcpClient();
        await raw.ConnectAsync(emulator.Emulator.BaseUrl.Host, emulator.Emulator.BaseUrl.Port);
        await raw.GetStream().WriteAsync(Encoding.ASCII.GetBytes("NOT-HTTP \x01\x02\r\n\r\n"));

        using var ok = await guest.PostMessageAsync("still alive");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await using var another = await emulator.ConnectedGuestAsync();
        Assert.Equal(0, emulator.Emulator.Counters[Control.EmulatorCounter.Responses5xx]);
    }

    [Fact]
    public async Task A_client_that_never_reads_its_socket_is_dropped_rather_than_buffered_without_end()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.SocketOutboxLimit = 8;
            o.Timing.HeartbeatInterval = TimeSpan.FromMilliseconds(5);
        });
        await using var guest = await emulator.GuestAsync();
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.SetBuffer(16, 16);
        await socket.ConnectAsync(guest.EventStreamUri, CancellationToken.None);
        var body = new string('x', 4000);
        for (var i = 0; i < 2000 && emulator.Emulator.Counters[Control.EmulatorCounter.SocketsSlowConsumer] == 0; i++)
        {
            await guest.PostMessageAsync(body);
        }

        Assert.Equal(1, emulator.Emulator.Counters[Control.EmulatorCounter.SocketsSlowConsumer]);
    }

    [Fact]
    public async Task Stopping_the_emulator_lets_go_of_open_sockets_at_once()
    {
        var emulator = await TestEmulator.StartAsync();
        await using var guest = await emulator.ConnectedGuestAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await emulator.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed}");
        await guest.WaitForSocketEndAsync();
    }
}
