namespace GuestChat.Client.WebMessaging;

/// <summary>
/// <c>StructuredMessage</c>: a message of the conversation (the guest's own comes back <c>Inbound</c> with
/// the <c>tracingId</c> it was sent with; the agent's or a bot's are <c>Outbound</c>), events such as typing
/// or the agent's Disconnect, or the answer to <c>echo</c>.
/// </summary>
public sealed record StructuredMessageFrame(StructuredMessage Message) : WebMessagingFrame;
