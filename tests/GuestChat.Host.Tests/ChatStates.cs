using System.Text.Json.Nodes;

namespace GuestChat.Host.Tests;

/// <summary>Waiting on a chat of the running service, as a client of its HTTP API would.</summary>
internal static class ChatStates
{
    /// <summary>GETs <c>/chats/{key}</c> until the chat is in <paramref name="state"/> and returns it; on timeout, says the last answer.</summary>
    public static async Task<JsonObject> WaitForAsync(HttpClient http, string key, string state, TimeSpan patience)
    {
        var last = "";
        JsonObject chat = [];
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                using var response = await http.GetAsync($"/chats/{key}");
                var body = await response.Content.ReadAsStringAsync();
                last = $"{(int)response.StatusCode} {body}";
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }

                chat = JsonNode.Parse(body)!.AsObject();
                return chat["state"]!.GetValue<string>() == state;
            }, $"{key} {state}", patience);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last answer: {last}", e);
        }

        return chat;
    }
}
