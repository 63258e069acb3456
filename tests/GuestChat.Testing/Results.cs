using GuestChat.Client;

namespace GuestChat.Testing;

/// <summary>Calls a test's set-up depends on.</summary>
public static class Results
{
    /// <summary>
    /// The value of a call that had to succeed; otherwise the test fails there, with the call's error
    /// (a set-up that fails under load says why, rather than as a null reference a line later).
    /// </summary>
    public static T Succeeded<T>(this GuestChatResult<T> result, string what) =>
        result.IsSuccess ? result.Value! : throw new InvalidOperationException($"{what} failed: {result.Error}");
}
