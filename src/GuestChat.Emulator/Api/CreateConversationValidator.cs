using GuestChat.Client;
using GuestChat.Client.Models;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Security;

namespace GuestChat.Emulator.Api;

/// <summary>Checks a create request field by field, in the order the real service reported them.</summary>
internal static class CreateConversationValidator
{
    private const string Prefix = "chat.error.notnull.createconversationrequest.";

    public readonly record struct Accepted(DeploymentOptions Deployment, QueueOptions Queue, bool Authenticated);

    public static ChatResult<Accepted> Validate(CreateWebChatConversationRequest request, EmulatorOptions options, TokenService tokens, string? origin)
    {
        if (string.IsNullOrWhiteSpace(request.OrganizationId))
        {
            return Required("organizationId");
        }

        if (!string.Equals(request.OrganizationId, options.OrganizationId, StringComparison.OrdinalIgnoreCase))
        {
            return ChatError.Invalid("organizationId", $"The organization {request.OrganizationId} is not known");
        }

        if (string.IsNullOrWhiteSpace(request.DeploymentId))
        {
            return Required("deploymentId");
        }

        if (!Guid.TryParse(request.DeploymentId, out _))
        {
            return new ChatError(400, ErrorCodes.DeploymentIdPattern, "deploymentId must be a deployment id (a GUID)", "deploymentId");
        }

        var deployment = options.Deployments.Find(d => string.Equals(d.Id, request.DeploymentId, StringComparison.OrdinalIgnoreCase));
        if (deployment is null)
        {
            return ChatError.Invalid("deploymentId", $"The deployment {request.DeploymentId} is not known");
        }

        if (!deployment.Enabled)
        {
            return new ChatError(400, ErrorCodes.DeploymentDisabled, "The deployment is disabled", "deploymentId");
        }

        if (origin is not null && deployment.AllowedOrigins.Count > 0
            && !deployment.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
        {
            return new ChatError(403, ErrorCodes.OriginNotAllowed, $"The origin {origin} is not allowed by the deployment");
        }

        if (request.RoutingTarget is not { } target)
        {
            return new ChatError(400, ErrorCodes.RoutingTargetRequired, "routingTarget is required", "routingTarget");
        }

        if (target.TargetType is null)
        {
            return new ChatError(400, ErrorCodes.RoutingTargetInvalid, "routingTarget.targetType is required and must be QUEUE", "routingTarget.targetType");
        }

        if (string.IsNullOrWhiteSpace(target.TargetAddress))
        {
            return new ChatError(400, ErrorCodes.RoutingTargetInvalid, "routingTarget.targetAddress must name a queue", "routingTarget.targetAddress");
        }

        var queue = options.Queues.Find(q => string.Equals(q.Name, target.TargetAddress, StringComparison.OrdinalIgnoreCase));
        if (queue is null)
        {
            return new ChatError(400, ErrorCodes.InvalidQueue, $"The queue '{target.TargetAddress}' does not exist", "routingTarget.targetAddress");
        }

        if (target.Priority is < 0)
        {
            return ChatError.Invalid("routingTarget.priority", "routingTarget.priority must not be negative");
        }

        if (target.Skills?.Any(string.IsNullOrWhiteSpace) == true)
        {
            return ChatError.Invalid("routingTarget.skills", "routingTarget.skills must not hold empty names");
        }

        if (request.MemberInfo is not { } member)
        {
            return Required("memberInfo");
        }

        if (string.IsNullOrWhiteSpace(member.DisplayName))
        {
            return new ChatError(400, ErrorCodes.DisplayNameRequired, "memberInfo.displayName is required", "memberInfo.displayName");
        }

        if (request.JourneyContext is { } journey
            && (string.IsNullOrWhiteSpace(journey.Customer?.Id) || string.IsNullOrWhiteSpace(journey.Customer?.IdType)))
        {
            return new ChatError(400, ErrorCodes.ConstraintValidation, "journeyContext.customer needs id and idType", "journeyContext.customer");
        }

        var token = request.MemberAuthToken;
        if (string.IsNullOrEmpty(token))
        {
            return deployment.RequireAuthentication
                ? new ChatError(400, ErrorCodes.DeploymentRequiresAuth, "The deployment requires an authenticated guest: send memberAuthToken", "memberAuthToken")
                : new Accepted(deployment, queue, false);
        }

        return tokens.IsValidSignedData(token, options.OrganizationId)
            ? new Accepted(deployment, queue, true)
            : new ChatError(400, ErrorCodes.DeploymentBadAuth, "memberAuthToken was refused", "memberAuthToken");
    }

    private static ChatError Required(string field) =>
        new(400, Prefix + field.ToLowerInvariant(), $"{field} is required", field);
}
