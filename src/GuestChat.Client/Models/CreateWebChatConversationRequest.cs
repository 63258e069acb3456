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
}
