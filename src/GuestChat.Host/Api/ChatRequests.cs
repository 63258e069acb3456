using GuestChat.Actors.Conversations;
using GuestChat.Client.Models;

namespace GuestChat.Host.Api;

/// <summary>The bodies the HTTP API accepts (and the message queue's commands, which carry the same shapes).</summary>
internal static class ChatRequests
{
    /// <summary>
    /// <c>POST /chats</c>: the guest chat API's create request plus the key to address the chat by (made
    /// up when absent); organization, deployment and routing default to the <c>Target</c> settings.
    /// </summary>
    public sealed record CreateChat(
        string? Key,
        string? OrganizationId,
        string? DeploymentId,
        WebChatRoutingTarget? RoutingTarget,
        GuestMemberInfo? MemberInfo,
        string? MemberAuthToken,
        JourneyContext? JourneyContext)
    {
        public static CreateChat Empty { get; } = new(null, null, null, null, null, null, null);

        /// <summary>The guest chat API's create request, with what it does not name taken from <paramref name="defaults"/>.</summary>
        public CreateWebChatConversationRequest ToRequest(GuestChat.Emulator.EmulatorChatDefaults defaults) => new()
        {
            OrganizationId = OrganizationId ?? defaults.OrganizationId,
            DeploymentId = DeploymentId ?? defaults.DeploymentId,
            RoutingTarget = RoutingTarget ?? new WebChatRoutingTarget { TargetType = RoutingTargetType.Queue, TargetAddress = defaults.Queue },
            MemberInfo = MemberInfo,
            MemberAuthToken = MemberAuthToken,
            JourneyContext = JourneyContext,
        };
    }

    /// <summary><c>POST /chats/{key}/messages</c>.</summary>
    public sealed record SendMessage(string? Body, BodyType? BodyType, string? ClientMessageId);

    /// <summary><c>POST /chats/{key}/media-requests/{id}</c>: <c>accept</c> or <c>decline</c>.</summary>
    public sealed record AnswerMediaRequest(MediaRequestDecision? Decision);
}
