using System.Text.Json;
using GuestChat.Client.Serialization;
using Microsoft.AspNetCore.Http.Features;

namespace GuestChat.Host.Api;

/// <summary>
/// Reads a request's JSON body, turning every way it can be wrong into an <see cref="ApiError"/>:
/// 415 for a body that is not JSON, 413 for one over the limit, 400 naming the field for a value of
/// the wrong type or an unknown field, 400 with the line and byte for malformed JSON.
/// </summary>
internal static class JsonBody
{
    /// <summary>The body as <typeparamref name="T"/>; <paramref name="empty"/> when there is none (null: a body is required).</summary>
    public static async Task<(T? Value, ApiError? Error)> ReadAsync<T>(HttpRequest request, T? empty = null)
        where T : class
    {
        if (!HasBody(request))
        {
            return empty is not null ? (empty, null) : (null, new ApiError(400, "bad.request", "A JSON request body is required"));
        }

        if (request.ContentType is not { } type || !(type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || type.Contains("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, new ApiError(415, "unsupported.media.type", $"Content type {request.ContentType ?? "(none)"} is not supported; send application/json"));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, ApiJson.Options, request.HttpContext.RequestAborted);
            return value is null ? (null, new ApiError(400, "bad.request", "The request body must be a JSON object")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Describe(e));
        }
    }

    /// <summary>
    /// The same for a body already in memory (a queue message's): <paramref name="empty"/> when it is empty
    /// (null: a body is required), else the value or the error that names what is wrong.
    /// </summary>
    public static (T? Value, ApiError? Error) Parse<T>(ReadOnlyMemory<byte> body, T? empty = null)
        where T : class
    {
        if (body.IsEmpty)
        {
            return empty is not null ? (empty, null) : (null, new ApiError(400, "bad.request", "A JSON body is required"));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(body.Span, ApiJson.Options);
            return value is null ? (null, new ApiError(400, "bad.request", "The body must be a JSON object")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Describe(e));
        }
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0
        || (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    private static ApiError Describe(JsonException e)
    {
        var field = e.Path is null or "$" ? null : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path.TrimStart('$');
        if (e.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return ApiError.Invalid(field ?? "(body)", $"{field} is not a field of this request");
        }

        if (field is not null && (e is WireValueException || e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)))
        {
            return ApiError.Invalid(field, $"The value of {field} has the wrong type or is not one of the allowed values");
        }

        return new ApiError(400, "bad.request", $"The request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
    }
}
