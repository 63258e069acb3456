namespace GuestChat.Client.WebMessaging;

/// <summary>A well-formed frame of a class this client does not use (attachments, for one): log it and carry on.</summary>
public sealed record UnknownFrame(string? Class) : WebMessagingFrame;
