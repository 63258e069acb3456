namespace GuestChat.Emulator.Security;

/// <summary>What a guest JWT says: one conversation, one guest member, one deployment.</summary>
public sealed record GuestTokenClaims(
    string ConversationId,
    string DeploymentId,
    string MemberId,
    string OrganizationId,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt);
