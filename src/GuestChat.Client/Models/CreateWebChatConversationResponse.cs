using System.Text;

namespace GuestChat.Client.Models;

/// <summary>Answer to <c>POST /conversations</c>.</summary>
public sealed record CreateWebChatConversationResponse
{
    public string? Id { get; init; }

    /// <summary>The guest's bearer token. Never logged.</summary>
    public string? Jwt { get; init; }

    /// <summary>The websocket to attach; its last path segment is the JWT, so it is as secret as the token.</summary>
    public string? EventStreamUri { get; init; }

    /// <summary>Real servers filled in only <c>id</c>.</summary>
    public WebChatMemberInfo? Member { get; init; }

    /// <summary>Prints the ids only: the JWT and the event-stream URI (which ends in the JWT) are secrets.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id)
            .Append(", Jwt = ").Append(Jwt is null ? "null" : "<redacted>")
            .Append(", EventStreamUri = ").Append(EventStreamUri is null ? "null" : "<redacted>")
            .Append(", Member = ").Append(Member?.Id);
        return true;
    }
}
