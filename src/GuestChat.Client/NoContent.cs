namespace GuestChat.Client;

/// <summary>The value of a call that answers 204 with no body.</summary>
public readonly record struct NoContent;
