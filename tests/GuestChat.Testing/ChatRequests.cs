using GuestChat.Client.Models;
using GuestChat.Emulator.Options;

namespace GuestChat.Testing;

/// <summary>Create requests for the emulator's default organization and plain deployment.</summary>
public static class ChatRequests
{
    /// <summary>A guest chat routed to <paramref name="queue"/>, with <paramref name="displayName"/>.</summary>
    public static CreateWebChatConversationRequest To(string queue = EmulatorDefaults.QueueName, string displayName = "Test Guest") => new()
    {
        OrganizationId = EmulatorDefaults.OrganizationId,
        DeploymentId = EmulatorDefaults.DeploymentId,
        RoutingTarget = new WebChatRoutingTarget { TargetType = RoutingTargetType.Queue, TargetAddress = queue },
        MemberInfo = new GuestMemberInfo { DisplayName = displayName },
    };
}
