namespace GuestChat.Client.Events;

/// <summary>A well-formed frame of a topic, type or body type this client does not know: log it and carry on.</summary>
public sealed record UnknownEvent(string? Topic, string? Type, string Detail) : StreamEvent;
