using GuestChat.Client;

namespace GuestChat.Emulator.Chat;

/// <summary>A refusal, as it will be answered on the wire: status, Genesys code, message and the field it is about.</summary>
internal sealed record ChatError(int Status, string Code, string Message, string? Field = null)
{
    public static ChatError NotRouted() =>
        new(400, ErrorCodes.ConversationState, "The conversation is not active: attach the event stream first");

    public static ChatError Ended() =>
        new(400, ErrorCodes.ConversationState, "The conversation is not active");

    public static ChatError NotYourMember() =>
        new(400, ErrorCodes.MemberState, "The member is not the caller or is not connected");

    public static ChatError NotFound(string what, string id) =>
        new(404, ErrorCodes.ChatNotFound, $"The {what} {id} was not found");

    public static ChatError Invalid(string field, string message) =>
        new(400, ErrorCodes.InvalidValue, message, field);

    public static ChatError NoAgent() =>
        new(409, "chat.error.agent.state", "No agent is connected to the conversation");
}
