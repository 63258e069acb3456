namespace GuestChat.Client;

/// <summary>The <c>code</c> values of <see cref="Models.ErrorBody"/> that matter to a guest.</summary>
public static class ErrorCodes
{
    /// <summary>400: the request could not be read.</summary>
    public const string BadRequest = "bad.request";

    /// <summary>400: a value is out of range or not one of the allowed ones.</summary>
    public const string InvalidValue = "invalid.value";

    /// <summary>400: a property is unknown or of the wrong type.</summary>
    public const string InvalidProperty = "invalid.property";

    /// <summary>400: a constraint on a field is broken (for example a body that is too long).</summary>
    public const string ConstraintValidation = "constraint.validation";

    /// <summary>400: <c>memberInfo.displayName</c> is missing.</summary>
    public const string DisplayNameRequired = "chat.error.notnull.createconversationrequest.memberinfo.displayname";

    /// <summary>400: <c>routingTarget</c> is missing.</summary>
    public const string RoutingTargetRequired = "chat.error.notnull.createconversationrequest.routingtarget";

    /// <summary>400: <c>routingTarget</c> is malformed.</summary>
    public const string RoutingTargetInvalid = "chat.error.createconversationrequest.routingtarget";

    /// <summary>400: the queue named by <c>routingTarget.targetAddress</c> does not exist.</summary>
    public const string InvalidQueue = "chat.error.invalid.queue";

    /// <summary>400: <c>deploymentId</c> is not a well-formed id.</summary>
    public const string DeploymentIdPattern = "chat.error.pattern.createconversationrequest.deploymentid";

    /// <summary>400: the deployment is switched off.</summary>
    public const string DeploymentDisabled = "chat.deployment.disabled";

    /// <summary>400: the deployment requires <c>memberAuthToken</c>.</summary>
    public const string DeploymentRequiresAuth = "chat.deployment.require.auth";

    /// <summary>400: <c>memberAuthToken</c> was refused.</summary>
    public const string DeploymentBadAuth = "chat.deployment.bad.auth";

    /// <summary>400: a message without a body.</summary>
    public const string MessageBodyRequired = "chat.error.notnull.createconversationmessagerequest.body";

    /// <summary>400: the conversation cannot do that now (not routed yet, or ended).</summary>
    public const string ConversationState = "chat.error.conversation.state";

    /// <summary>400: acting as a member that is not yours or not connected.</summary>
    public const string MemberState = "chat.error.member.state";

    /// <summary>401: no bearer token.</summary>
    public const string AuthenticationRequired = "authentication.required";

    /// <summary>401: a token that is malformed or badly signed.</summary>
    public const string BadCredentials = "bad.credentials";

    /// <summary>401: a token past its expiry.</summary>
    public const string CredentialsExpired = "credentials.expired";

    /// <summary>403: a token for another conversation.</summary>
    public const string NotAuthorized = "not.authorized";

    /// <summary>403: the request's origin is not allowed by the deployment.</summary>
    public const string OriginNotAllowed = "origin.not.allowed";

    /// <summary>404: no such resource.</summary>
    public const string NotFound = "not.found";

    /// <summary>404: no such member, message or media request in the conversation.</summary>
    public const string ChatNotFound = "chat.error.not.found";

    /// <summary>405: the path exists but not with that method.</summary>
    public const string MethodNotAllowed = "method.not.allowed";

    /// <summary>413: the request body is too large.</summary>
    public const string RequestEntityTooLarge = "request.entity.too.large";

    /// <summary>415: the request body is not JSON.</summary>
    public const string UnsupportedMediaType = "unsupported.media.type";

    /// <summary>429: slow down; wait <c>Retry-After</c> seconds.</summary>
    public const string TooManyRequests = "too.many.requests.retry.after";

    /// <summary>500: the chat service failed.</summary>
    public const string ChatError = "chat.error";

    /// <summary>502: a gateway could not reach the service.</summary>
    public const string BadGateway = "bad.gateway";

    /// <summary>503: the service is unavailable.</summary>
    public const string ServiceUnavailable = "service.unavailable";

    /// <summary>504: the gateway timed out; the request may or may not have been carried out.</summary>
    public const string RequestTimeout = "request.timeout";
}
