using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using GuestChat.Client.Models;
using GuestChat.Client.Serialization;

namespace GuestChat.Emulator.Tests.Support;

/// <summary>JSON in and out of tests, with the shared wire models where they fit.</summary>
internal static class Json
{
    public static GuestChatJsonContext Wire => GuestChatJsonContext.Default;

    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Body<T>(T value, JsonTypeInfo<T> typeInfo) => Body(JsonSerializer.Serialize(value, typeInfo));

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonSerializer.Deserialize(text, typeInfo) ?? throw new InvalidOperationException($"Empty body: {text}");
    }

    public static async Task<JsonNode> NodeAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("Empty body");

    /// <summary>Asserts an ErrorBody with the status, code and (when given) the field it names, and a contextId equal to the correlation header.</summary>
    public static async Task<ErrorBody> AssertErrorAsync(HttpResponseMessage response, int status, string code, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status} {code} but got {(int)response.StatusCode}: {text}");
        var error = JsonSerializer.Deserialize(text, Wire.ErrorBody)!;
        Assert.Equal(code, error.Code);
        Assert.Equal(status, error.Status);
        Assert.False(string.IsNullOrEmpty(error.Message));
        Assert.Equal(response.Headers.GetValues("inin-correlation-id").Single(), error.ContextId);
        if (field is not null)
        {
            Assert.Contains(error.Details!, d => d.FieldName == field);
        }

        return error;
    }

    public static AuthenticationHeaderValue Bearer(string jwt) => new("Bearer", jwt);
}
