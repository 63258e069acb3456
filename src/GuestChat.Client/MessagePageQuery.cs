namespace GuestChat.Client;

/// <summary>Paging of <c>GET /messages</c> by message id. Page with <see cref="After"/> = the last id until a short page comes back.</summary>
public sealed record MessagePageQuery(string? After = null, string? Before = null, bool Descending = false, int MaxResults = 100);
