using System.Security.Cryptography;
using System.Text;
using GuestChat.Host.Serve;
using Microsoft.Extensions.Options;

namespace GuestChat.Host.Api;

/// <summary>
/// Every request but <c>GET /healthz</c> and <c>GET /openapi/v1.json</c> carries the API key, as <c>X-Api-Key</c> or as
/// <c>Authorization: Bearer</c> (what a Prometheus scrape can send); compared in constant time, never logged.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<ServiceOptions> options)
{
    public const string Header = "X-Api-Key";
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.ApiKey!.Trim());

    public Task InvokeAsync(HttpContext context)
    {
        // Health, and the API's own description (a contract, not a secret), need no key.
        if (context.Request.Path.Equals(ChatEndpoints.HealthPath, StringComparison.OrdinalIgnoreCase)
            || context.Request.Path.StartsWithSegments(ChatEndpoints.OpenApiPath, StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        var presented = Presented(context.Request);
        if (presented is null)
        {
            context.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{Header}\"";
            return new ApiError(401, "api.key.required", $"Send the API key in the {Header} header (or as Authorization: Bearer)", Header).ExecuteAsync(context);
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _key))
        {
            return new ApiError(401, "api.key.invalid", "The API key is not valid", Header).ExecuteAsync(context);
        }

        return next(context);
    }

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue(Header, out var key) && !string.IsNullOrWhiteSpace(key))
        {
            return key.ToString().Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }
}
