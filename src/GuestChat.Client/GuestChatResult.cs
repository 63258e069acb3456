using System.Diagnostics.CodeAnalysis;
using GuestChat.Client.Errors;

namespace GuestChat.Client;

/// <summary>The answer of a call: a value, or the error that took its place. HTTP failures are results, not exceptions.</summary>
public sealed record GuestChatResult<T>
{
    private GuestChatResult(T? value, GuestChatError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value, when the call succeeded.</summary>
    public T? Value { get; }

    /// <summary>The error, when it failed.</summary>
    public GuestChatError? Error { get; }

    /// <summary>Whether the call succeeded.</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>A success.</summary>
    public static GuestChatResult<T> Success(T value) => new(value, null);

    /// <summary>A failure.</summary>
    public static GuestChatResult<T> Failure(GuestChatError error) => new(default, error);
}
