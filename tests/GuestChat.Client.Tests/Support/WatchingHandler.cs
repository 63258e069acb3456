using System.Collections.Concurrent;

namespace GuestChat.Client.Tests.Support;

/// <summary>Passes every request on over real HTTP, records what went out and came back, and can act on an answer (to lift a fault after it struck).</summary>
internal sealed class WatchingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public ConcurrentQueue<(HttpMethod Method, string Path, int Status, DateTime At)> Exchanges { get; } = new();

    public Action<HttpResponseMessage>? OnAnswer { get; set; }

    public ConcurrentQueue<string?> AuthorizationHeaders { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        AuthorizationHeaders.Enqueue(request.Headers.Authorization?.ToString());
        var response = await base.SendAsync(request, cancellationToken);
        Exchanges.Enqueue((request.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, DateTime.UtcNow));
        OnAnswer?.Invoke(response);
        return response;
    }
}
