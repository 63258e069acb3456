using System.Net.Http.Headers;
using System.Runtime.CompilerServices;

namespace GuestChat.Client.WebMessaging;

/// <summary>
/// The history of a session's conversation (<c>GET /api/v2/webmessaging/messages</c>, with the session's JWT
/// from <see cref="WebMessagingSession.GetJwtAsync"/>): what a guest reads after a reconnect, since the socket
/// does not promise what was said while it was away.
/// </summary>
public static class WebMessagingHistory
{
    /// <summary>The page size Genesys's own transport asks for.</summary>
    public const int DefaultPageSize = 25;

    /// <summary>One page, newest first. A refusal (401 for a JWT that is no longer good, say) or an unreadable page throws <see cref="WebMessagingException"/> with the HTTP status (0 for an unreadable page).</summary>
    public static async Task<MessagingHistoryPage> GetPageAsync(HttpClient http, WebMessagingEndpoints endpoints, string jwt, int pageNumber = 1, int pageSize = DefaultPageSize, string? origin = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoints.History(pageNumber, pageSize));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new WebMessagingException((int)response.StatusCode, $"The history was refused: {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        return WebMessagingParser.ParseHistoryPage(body, out var problem)
            ?? throw new WebMessagingException(0, "The history page could not be read: " + problem);
    }

    /// <summary>Every message, newest first, page after page, until the caller stops (at the newest message it already has, say) or the history ends.</summary>
    public static async IAsyncEnumerable<StructuredMessage> NewestFirstAsync(HttpClient http, WebMessagingEndpoints endpoints, string jwt, int pageSize = DefaultPageSize, string? origin = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var pageNumber = 1; ; pageNumber++)
        {
            var page = await GetPageAsync(http, endpoints, jwt, pageNumber, pageSize, origin, cancellationToken);
            foreach (var message in page.Entities)
            {
                yield return message;
            }

            if (page.Entities.Count == 0 || pageNumber >= page.PageCount)
            {
                yield break;
            }
        }
    }
}
