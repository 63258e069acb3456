namespace GuestChat.Client.WebMessaging;

/// <summary>
/// Where Web Messaging lives for one region (<c>wss://webmessaging.{domain}/v1</c>, <c>https://api.{domain}</c>,
/// <c>https://api-cdn.{domain}</c>) or on one host (the emulator, a proxy: everything on that host, <c>ws</c> for
/// <c>http</c>, <c>wss</c> for <c>https</c>).
/// </summary>
public sealed record WebMessagingEndpoints(Uri SocketBaseUrl, Uri ApiBaseUrl, Uri ConfigBaseUrl)
{
    /// <summary>The same place as a guest chat environment: its region, or its base URL.</summary>
    public static WebMessagingEndpoints From(GuestChatEnvironment environment)
    {
        var api = environment.ApiBaseUrl;
        var host = api.Host;
        if (host.StartsWith("api.", StringComparison.OrdinalIgnoreCase)
            && GuestChatEnvironment.RegionDomains.FirstOrDefault(d => string.Equals(d, host[4..], StringComparison.OrdinalIgnoreCase)) is { } domain)
        {
            return new WebMessagingEndpoints(new Uri($"wss://webmessaging.{domain}"), new Uri($"https://api.{domain}"), new Uri($"https://api-cdn.{domain}"));
        }

        var socket = new UriBuilder(api) { Scheme = api.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
        return new WebMessagingEndpoints(socket, api, api);
    }

    /// <summary>The guest's socket for a deployment.</summary>
    public Uri Socket(string deploymentId) => new($"{SocketBaseUrl.GetLeftPart(UriPartial.Authority)}/v1?deploymentId={Uri.EscapeDataString(deploymentId)}");

    /// <summary>The history of the conversation of a JWT (<c>getJwt</c>), a page at a time.</summary>
    public Uri History(int pageNumber, int pageSize) => new($"{ApiBaseUrl.GetLeftPart(UriPartial.Authority)}/api/v2/webmessaging/messages?pageNumber={pageNumber}&pageSize={pageSize}");

    /// <summary>The deployment's configuration.</summary>
    public Uri Config(string deploymentId) => new($"{ConfigBaseUrl.GetLeftPart(UriPartial.Authority)}/webdeployments/v1/deployments/{Uri.EscapeDataString(deploymentId)}/config.json");
}
