namespace GuestChat.Client.Models;

/// <summary>Every non-2xx answer of the API.</summary>
public sealed record ErrorBody
{
    public string? Message { get; init; }

    public string? Code { get; init; }

    public int? Status { get; init; }

    public string? EntityId { get; init; }

    public string? EntityName { get; init; }

    public string? MessageWithParams { get; init; }

    public IReadOnlyDictionary<string, string>? MessageParams { get; init; }

    /// <summary>Equals the <c>inin-correlation-id</c> response header.</summary>
    public string? ContextId { get; init; }

    public IReadOnlyList<ErrorDetail>? Details { get; init; }

    public IReadOnlyList<ErrorBody>? Errors { get; init; }

    public ErrorLimit? Limit { get; init; }
}
