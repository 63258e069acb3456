namespace GuestChat.Client.Models;

/// <summary>One entry of <c>ErrorBody.details</c>: which field or entity an error is about.</summary>
public sealed record ErrorDetail
{
    public string? ErrorCode { get; init; }

    public string? FieldName { get; init; }

    public string? EntityId { get; init; }

    public string? EntityName { get; init; }
}
