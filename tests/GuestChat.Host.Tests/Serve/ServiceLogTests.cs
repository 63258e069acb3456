using System.Net;
using System.Text;
using GuestChat.Testing;

namespace GuestChat.Host.Tests.Serve;

/// <summary>What the service writes to its log, read from the real executable at its most verbose.</summary>
public sealed class ServiceLogTests
{
    private const string ApiKey = "log-test-key-0123456789abcdef";
    private static readonly string JwtKey = GuestChat.Actors.Persistence.SecretProtector.NewKey();

    [Fact]
    public async Task At_verbose_level_a_whole_chat_logs_neither_a_jwt_nor_the_api_key()
    {
        using var data = new TempFolder("guestchat-log");
        var serve = await ServeProcess.StartAsync("--log-format json --Serilog:MinimumLevel:Default=Verbose --Serilog:MinimumLevel:Override:Microsoft.AspNetCore=Verbose",
            new Dictionary<string, string>
            {
                ["GUESTCHAT_Service__ApiKey"] = ApiKey,
                ["GUESTCHAT_Persistence__ConnectionString"] = data.SqliteConnectionString(),
                ["GUESTCHAT_Persistence__JwtKey"] = JwtKey,
            },
            TimeSpan.FromSeconds(30));
        await using (serve)
        {
            using var http = new HttpClient { BaseAddress = serve.BaseUrl };
            http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
            var created = await http.PostAsync("/chats", new StringContent("""{"key":"logged","memberInfo":{"displayName":"Quiet"}}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            await WaitForStateAsync(http, "Active");
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/chats/logged/messages", new StringContent("""{"body":"hi"}""", Encoding.UTF8, "application/json"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.DeleteAsync("/chats/logged")).StatusCode);
            await WaitForStateAsync(http, "Ended");
        }

        var text = serve.Log;
        // Akka's log lines arrive through Serilog with their named properties.
        Assert.Contains("\"ConversationKey\":\"logged\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(JwtKey, text, StringComparison.Ordinal);

        // Every JWT starts with the base64 of {"alg" or {"typ": eyJ.
        Assert.DoesNotMatch(@"eyJ[A-Za-z0-9_-]{10,}\.", text);
    }

    private static Task WaitForStateAsync(HttpClient http, string state) => ChatStates.WaitForAsync(http, "logged", state, Eventually.Patience);
}
