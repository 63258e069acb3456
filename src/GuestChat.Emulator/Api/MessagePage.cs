using System.Globalization;
using System.Text;
using GuestChat.Client;
using GuestChat.Client.Models;
using GuestChat.Emulator.Chat;

namespace GuestChat.Emulator.Api;

/// <summary>
/// Pages the transcript by message id. <c>next</c> and <c>previousPage</c> are relative URIs with
/// <c>after=</c> / <c>before=</c> the boundary id, absent at either end (the project's decision).
/// </summary>
internal static class MessagePage
{
    public static ChatResult<WebChatMessageEntityList> Of(Conversation conversation, string? after, string? before, bool descending, int maxResults)
    {
        var entities = conversation.Messages(after, before, descending, maxResults, out var moreAfter, out var moreBefore, out var unknown);
        if (entities is null)
        {
            var id = unknown == "after" ? after : before;
            return ChatError.Invalid(unknown!, $"{unknown} names the message {id}, which is not in this conversation");
        }

        var path = GuestChatPaths.Messages(conversation.Id);
        var sortOrder = descending ? "descending" : "ascending";
        string PageUri(string? afterId, string? beforeId)
        {
            var uri = new StringBuilder(path).Append('?');
            if (afterId is not null)
            {
                uri.Append("after=").Append(Uri.EscapeDataString(afterId)).Append('&');
            }

            if (beforeId is not null)
            {
                uri.Append("before=").Append(Uri.EscapeDataString(beforeId)).Append('&');
            }

            return uri.Append(CultureInfo.InvariantCulture, $"sortOrder={sortOrder}&maxResults={maxResults}").ToString();
        }

        string? next = null;
        string? previous = null;
        if (entities.Count > 0)
        {
            var first = entities[0].Id;
            var last = entities[^1].Id;
            if (!descending)
            {
                next = moreAfter ? PageUri(last, before) : null;
                previous = moreBefore ? PageUri(after, first) : null;
            }
            else
            {
                next = moreBefore ? PageUri(after, last) : null;
                previous = moreAfter ? PageUri(first, before) : null;
            }
        }

        return new WebChatMessageEntityList
        {
            PageSize = maxResults,
            Entities = entities,
            Next = next,
            PreviousPage = previous,
            SelfUri = PageUri(after, before),
        };
    }
}
