using GuestChat.Actors.Conversations;
using GuestChat.Client.Models;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// What a conversation journals: the facts it needs to resume its chat after the process died, in the
/// order they happened. Each has a stable manifest in <see cref="ConversationFactSerializer"/>; a shape
/// once written is never changed, only followed by a new one with a new manifest.
/// </summary>
public interface IConversationFact;

/// <summary>A Start was taken: the create request, so a create cut short by a crash can be made again (its <c>memberAuthToken</c>, if any, encrypted as the JWT is).</summary>
public sealed record ChatRequested(CreateWebChatConversationRequest Request, DateTimeOffset At) : IConversationFact;

/// <summary>Genesys created the chat. <paramref name="ProtectedJwt"/> is the JWT encrypted at rest (see <see cref="SecretProtector"/>), never the token itself.</summary>
public sealed record ChatCreated(string ConversationId, string MemberId, string ProtectedJwt, string EventStreamUri, DateTimeOffset At) : IConversationFact;

/// <summary>
/// A message of the chat was seen, once: from the stream (a socket frame or a backfill page), or, with
/// <paramref name="Posted"/> true, from the answer to the guest's own send (which does not move the backfill start).
/// <paramref name="Told"/> true: subscribers were told it (a message from another member), so readers of
/// every chat's messages in the journal (<see cref="MessageLog"/>) hand it on; null in facts written
/// before the field (<c>message-seen.v1</c>), where a journal tag said so instead.
/// </summary>
public sealed record MessageSeen(string MessageId, string SenderId, MemberRole? SenderRole, string Body, BodyType BodyType, DateTimeOffset Timestamp, bool? Posted = null, bool? Told = null) : IConversationFact;

/// <summary>A member was resolved (role and name) or changed state.</summary>
public sealed record MemberKnown(string MemberId, MemberRole? Role, string? DisplayName, MemberState State) : IConversationFact;

/// <summary>A send is about to be posted: journaled before the POST, so after a crash its outcome is looked for, never guessed.</summary>
public sealed record SendIntended(long SendId, string Body, BodyType BodyType, string? ClientMessageId, DateTimeOffset At) : IConversationFact;

/// <summary>Genesys accepted the send as the message <paramref name="MessageId"/>.</summary>
public sealed record SendAccepted(long SendId, string MessageId, DateTimeOffset Timestamp) : IConversationFact;

/// <summary>The send was refused or could not be confirmed; it will not be tried again.</summary>
public sealed record SendGivenUp(long SendId, string Reason) : IConversationFact;

/// <summary>An agent's media request was seen, or its state changed (answered, timed out, cancelled).</summary>
public sealed record MediaRequestKnown(string MediaRequestId, MediaRequestState State) : IConversationFact;

/// <summary>The chat ended, once, with its reason and the Genesys error code if one ended it.</summary>
public sealed record ChatEnded(ConversationEndReason Reason, string? ErrorCode, DateTimeOffset At) : IConversationFact;

/// <summary>
/// A conversation's facts up to one point, folded (<see cref="JournaledChat"/> and the transcript's
/// journaled messages): what recovery starts from instead of replaying a long chat from its first fact.
/// </summary>
public sealed record ConversationSnapshot(
    ChatRequested? Requested,
    ChatCreated? Created,
    ChatEnded? Ended,
    IReadOnlyList<SnapshotMessage> Messages,
    IReadOnlyList<SendIntended> UnresolvedSends,
    IReadOnlyList<AcceptedSend> AcceptedSends,
    long NextSendId) : IConversationFact;

/// <summary>A message in a snapshot, with the place its fact has in the journal.</summary>
public sealed record SnapshotMessage(MessageSeen Seen, long Sequence);

/// <summary>An accepted send in a snapshot, with the client message id its intent carried.</summary>
public sealed record AcceptedSend(SendAccepted Accepted, string? ClientMessageId);

/// <summary>The manager took a conversation in: after a crash it is started again, and recovers itself from its own journal.</summary>
public sealed record ConversationOpened(string Key, DateTimeOffset At) : IConversationFact;

/// <summary>A conversation is gone (ended and past its retention, or failed): it is not started again.</summary>
public sealed record ConversationClosed(string Key, DateTimeOffset At) : IConversationFact;

/// <summary>The manager's registry at one point: the keys of the conversations to start again.</summary>
public sealed record RegistrySnapshot(IReadOnlyList<string> OpenKeys) : IConversationFact;
