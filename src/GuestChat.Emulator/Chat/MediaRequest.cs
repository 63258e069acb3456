using GuestChat.Client;
using GuestChat.Client.Models;

namespace GuestChat.Emulator.Chat;

/// <summary>A co-browse or screen-share request raised by an agent. Mutated only under its conversation's lock.</summary>
internal sealed class MediaRequest
{
    public required string Id { get; init; }

    public required string ConversationId { get; init; }

    public required IReadOnlyList<MediaType> Types { get; init; }

    public required string CommunicationId { get; init; }

    public required string SecurityKey { get; init; }

    public required DateTimeOffset RaisedAt { get; init; }

    public MediaRequestState State { get; set; } = MediaRequestState.Pending;

    public WebChatGuestMediaRequest ToWire() => new()
    {
        Id = Id,
        Name = string.Join(" and ", Types.Select(t => t == MediaType.Cobrowse ? "Co-browse" : "Screen share")),
        Types = Types,
        State = State,
        CommunicationId = CommunicationId,
        SecurityKey = SecurityKey,
        SelfUri = GuestChatPaths.MediaRequest(ConversationId, Id),
    };
}
