using GuestChat.Actors.Conversations;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Host.Api;

/// <summary>A conversation event as the server-sent-events feed writes it: an event name and a JSON object that always has <c>key</c>.</summary>
internal static class EventViews
{
    /// <summary>The SSE event name and data of <paramref name="message"/>; null for what the feed does not carry.</summary>
    public static (string Name, object Data)? Of(IWithConversationKey message) => message switch
    {
        Started e => ("started", new { key = e.Key.Value, conversationId = e.ConversationId, memberId = e.MemberId }),
        StateChanged e => ("state", new { key = e.Key.Value, state = e.State }),
        MemberChanged e => ("member", new { key = e.Key.Value, member = ChatViews.MemberView.Of(e.Member) }),
        MessageReceived e => ("message", new
        {
            key = e.Key.Value,
            messageId = e.MessageId,
            sender = ChatViews.MemberView.Of(e.Sender),
            body = e.Body,
            bodyType = e.BodyType,
            timestamp = e.Timestamp,
            sequence = e.Sequence,
        }),
        Typing e => ("typing", new { key = e.Key.Value, member = ChatViews.MemberView.Of(e.Member), expiresAt = e.ExpiresAt }),
        MediaRequested e => ("mediaRequest", new { key = e.Key.Value, request = e.Request }),
        Reconnecting e => ("reconnecting", new { key = e.Key.Value, attempt = e.Attempt, delayMs = (long)e.Delay.TotalMilliseconds }),
        JwtExpiring e => ("jwtExpiring", new { key = e.Key.Value, expiresAt = e.ExpiresAt }),
        Ended e => ("ended", new { key = e.Key.Value, reason = e.Reason, code = e.Error?.Code, message = e.Error?.Message }),
        _ => null,
    };
}
