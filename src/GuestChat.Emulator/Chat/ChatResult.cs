namespace GuestChat.Emulator.Chat;

/// <summary>A value, or the refusal that takes its place.</summary>
internal readonly record struct ChatResult<T>(T? Value, ChatError? Error)
{
    public static implicit operator ChatResult<T>(T value) => new(value, null);

    public static implicit operator ChatResult<T>(ChatError error) => new(default, error);
}
