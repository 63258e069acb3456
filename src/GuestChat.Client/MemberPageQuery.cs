namespace GuestChat.Client;

/// <summary>Paging of <c>GET /members</c>.</summary>
public sealed record MemberPageQuery(int PageSize = 25, int PageNumber = 1, bool ExcludeDisconnectedMembers = false);
