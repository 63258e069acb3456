namespace GuestChat.Client.Events;

/// <summary>A frame that could not be read, with the reason: log it and carry on.</summary>
public sealed record UnparseableFrame(string Reason) : StreamEvent;
