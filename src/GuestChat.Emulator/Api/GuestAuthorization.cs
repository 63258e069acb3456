using GuestChat.Client.Authentication;
using GuestChat.Client;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Security;

namespace GuestChat.Emulator.Api;

/// <summary>The checks every guest operation but create makes on its bearer token, in the API's order.</summary>
internal static class GuestAuthorization
{
    private const string BearerPrefix = "Bearer ";

    /// <summary>The caller's conversation and claims, or the 401/403/404 to answer.</summary>
    public static ChatResult<(Conversation Conversation, GuestJwtClaims Claims)> Authorize(HttpContext context, ChatPlatform platform, string? conversationId)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) || header.Length == BearerPrefix.Length)
        {
            return new ChatError(401, ErrorCodes.AuthenticationRequired, "Authentication is required: send Authorization: Bearer <jwt>");
        }

        return AuthorizeToken(platform, header[BearerPrefix.Length..].Trim(), conversationId);
    }

    /// <summary>The same checks for a token that came another way (the event-stream path).</summary>
    public static ChatResult<(Conversation Conversation, GuestJwtClaims Claims)> AuthorizeToken(ChatPlatform platform, string token, string? conversationId)
    {
        switch (platform.CheckToken(token, out var claims))
        {
            case TokenCheck.BadCredentials:
                return new ChatError(401, ErrorCodes.BadCredentials, "Invalid login credentials");
            case TokenCheck.Expired:
                return new ChatError(401, ErrorCodes.CredentialsExpired, "The token has expired");
        }

        if (conversationId is not null && !string.Equals(claims!.ConversationId, conversationId, StringComparison.Ordinal))
        {
            return new ChatError(403, ErrorCodes.NotAuthorized, "The token is not valid for this conversation");
        }

        var conversation = platform.Find(claims!.ConversationId);
        return conversation is null
            ? new ChatError(404, ErrorCodes.NotFound, $"The conversation {claims.ConversationId} was not found")
            : (conversation, claims);
    }

    /// <summary>Acting as a member: only as one's own.</summary>
    public static ChatError? RequireOwnMember(Conversation conversation, GuestJwtClaims claims, string memberId)
    {
        if (string.Equals(claims.MemberId, memberId, StringComparison.Ordinal))
        {
            return null;
        }

        return conversation.Member(memberId) is null
            ? ChatError.NotFound("member", memberId)
            : ChatError.NotYourMember();
    }
}
