using System.Text;

namespace GuestChat.Client.Models;

/// <summary>Body of <c>POST /conversations</c>. Fields the API requires are nullable here because the wire may omit them; the server validates.</summary>
public sealed record CreateWebChatConversationRequest
{
    public string? OrganizationId { get; init; }

    public string? DeploymentId { get; init; }

    public WebChatRoutingTarget? RoutingTarget { get; init; }

    public GuestMemberInfo? MemberInfo { get; init; }

    /// <summary>Signed data for an authenticated guest. Never logged.</summary>
    public string? MemberAuthToken { get; init; }

    public JourneyContext? JourneyContext { get; init; }

    /// <summary>Prints everything but the member auth token, which is a signed secret.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("OrganizationId = ").Append(OrganizationId)
            .Append(", DeploymentId = ").Append(DeploymentId)
            .Append(", RoutingTarget = ").Append(RoutingTarget)
            .Append(", MemberInfo = ").Append(MemberInfo)
            .Append(", MemberAuthToken = ").Append(MemberAuthToken is null ? "null" : "<redacted>")
            .Append(", JourneyContext = ").Append(JourneyContext);
        return true;
    }
}
