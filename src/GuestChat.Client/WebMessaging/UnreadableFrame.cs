namespace GuestChat.Client.WebMessaging;

/// <summary>A frame that could not be read, with the reason: log it and carry on.</summary>
public sealed record UnreadableFrame(string Reason) : WebMessagingFrame;
