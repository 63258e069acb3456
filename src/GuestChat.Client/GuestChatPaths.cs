namespace GuestChat.Client;

/// <summary>The paths of the guest chat API, relative to the API host.</summary>
public static class GuestChatPaths
{
    /// <summary>The root every guest operation lives under.</summary>
    public const string Root = "/api/v2/webchat/guest";

    /// <summary>POST: create a chat.</summary>
    public const string Conversations = Root + "/conversations";

    /// <summary>The header every response carries, equal to <c>ErrorBody.contextId</c>.</summary>
    public const string CorrelationHeader = "inin-correlation-id";

    /// <summary>A conversation's members.</summary>
    public static string Members(string conversationId) => $"{Conversations}/{conversationId}/members";

    /// <summary>One member.</summary>
    public static string Member(string conversationId, string memberId) => $"{Conversations}/{conversationId}/members/{memberId}";

    /// <summary>A member's messages (POST).</summary>
    public static string MemberMessages(string conversationId, string memberId) => $"{Conversations}/{conversationId}/members/{memberId}/messages";

    /// <summary>A member's typing indicator (POST).</summary>
    public static string MemberTyping(string conversationId, string memberId) => $"{Conversations}/{conversationId}/members/{memberId}/typing";

    /// <summary>A conversation's messages (GET).</summary>
    public static string Messages(string conversationId) => $"{Conversations}/{conversationId}/messages";

    /// <summary>One message.</summary>
    public static string Message(string conversationId, string messageId) => $"{Messages(conversationId)}/{messageId}";

    /// <summary>A conversation's media requests.</summary>
    public static string MediaRequests(string conversationId) => $"{Conversations}/{conversationId}/mediarequests";

    /// <summary>One media request.</summary>
    public static string MediaRequest(string conversationId, string mediaRequestId) => $"{MediaRequests(conversationId)}/{mediaRequestId}";

    /// <summary>The platform path of a conversation, as <c>conversation.selfUri</c> gives it.</summary>
    public static string PlatformConversation(string conversationId) => $"/api/v2/conversations/{conversationId}";
}
