namespace GuestChat.Client.WebMessaging;

/// <summary>A page of a conversation's history (<c>GET /api/v2/webmessaging/messages</c>), newest first.</summary>
public sealed record MessagingHistoryPage(IReadOnlyList<StructuredMessage> Entities, int PageNumber, int PageSize, int Total, int PageCount);
