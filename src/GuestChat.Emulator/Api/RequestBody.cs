using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GuestChat.Client;
using GuestChat.Client.Serialization;
using GuestChat.Emulator.Chat;
using Microsoft.AspNetCore.Http.Features;

namespace GuestChat.Emulator.Api;

/// <summary>
/// Reads a JSON request body and turns every way it can be wrong into the API's error: 415 for a
/// body that is not JSON, 413 for one over the limit, 400 <c>bad.request</c> for malformed JSON and
/// 400 <c>invalid.value</c> naming the field for a value of the wrong type.
/// </summary>
internal static class RequestBody
{
    public static async Task<ChatResult<T>> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        var request = context.Request;
        if (!HasBody(context))
        {
            return new ChatError(400, ErrorCodes.BadRequest, "A JSON request body is required");
        }

        if (!IsJson(request.ContentType))
        {
            return new ChatError(415, ErrorCodes.UnsupportedMediaType,
                $"Content type {request.ContentType} is not supported; send application/json");
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, context.RequestAborted);
            return value is null ? new ChatError(400, ErrorCodes.BadRequest, "The request body must be a JSON object") : value;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new ChatError(413, ErrorCodes.RequestEntityTooLarge, "The request body is too large");
        }
        catch (JsonException e)
        {
            return Describe(e);
        }
    }

    /// <summary>Whether the request carries a body, by length or by chunked transfer.</summary>
    public static bool HasBody(HttpContext context) =>
        context.Request.ContentLength > 0
        || (context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    public static bool IsJson(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));

    private static ChatError Describe(JsonException e)
    {
        // A well-formed value of the wrong type or outside an enumeration names its field; anything else is malformed JSON.
        var field = FieldOf(e.Path);
        if (field is not null && e is WireValueException)
        {
            return ChatError.Invalid(field, $"The value of {field} is invalid: {e.Message.Split(" Path:")[0]}");
        }

        if (field is not null && e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            return ChatError.Invalid(field, $"The value of {field} has the wrong type");
        }

        return new ChatError(400, ErrorCodes.BadRequest, $"The request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
    }

    private static string? FieldOf(string? path) =>
        path is null or "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
