using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace GuestChat.Host.Tests.Serve;

/// <summary>What the service writes to its log, read from the real executable at its most verbose.</summary>
public sealed partial class ServiceLogTests
{
    private const string ApiKey = "log-test-key-0123456789abcdef";

    [Fact]
    public async Task At_verbose_level_a_whole_chat_logs_neither_a_jwt_nor_the_api_key()
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "GuestChat.Host"),
            "serve --urls http://127.0.0.1:0 --log-format json --Serilog:MinimumLevel:Default=Verbose --Serilog:MinimumLevel:Override:Microsoft.AspNetCore=Verbose")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GUESTCHAT_Service__ApiKey"] = ApiKey;
        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (ListeningOn().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30)) };
            http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
            var created = await http.PostAsync("/chats", new StringContent("""{"key":"logged","memberInfo":{"displayName":"Quiet"}}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            await WaitForStateAsync(http, "Active");
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/chats/logged/messages", new StringContent("""{"body":"hi"}""", Encoding.UTF8, "application/json"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.DeleteAsync("/chats/logged")).StatusCode);
            await WaitForStateAsync(http, "Ended");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var text = log.ToString();
        // Akka's log lines arrive through Serilog with their named properties.
        Assert.Contains("\"ConversationKey\":\"logged\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, text, StringComparison.Ordinal);

        // Every JWT starts with the base64 of {"alg" or {"typ": eyJ.
        Assert.DoesNotMatch(@"eyJ[A-Za-z0-9_-]{10,}\.", text);
    }

    private static Task WaitForStateAsync(HttpClient http, string state) =>
        Eventually.TrueAsync(async () => (await http.GetStringAsync("/chats/logged")).Contains($"\"state\":\"{state}\"", StringComparison.Ordinal), $"the chat in {state}");

    [GeneratedRegex(@"Now listening on: \\?""?(http://[0-9.:]+)")]
    private static partial Regex ListeningOn();
}
