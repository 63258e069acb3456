using Akka.Actor;
using GuestChat.Actors.Conversations.State;
using GuestChat.Actors.EventStreams;
using GuestChat.Actors.Persistence;
using GuestChat.Client;
using GuestChat.Client.Authentication;
using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Actors.Conversations;

/// <summary>What a conversation keeps about its chat once created, and the results of its own calls and timers, told to itself.</summary>
public sealed partial class ConversationActor
{
    // ---- Private data and messages ------------------------------------------------------------------

    /// <summary>What exists once Genesys has created the chat; lives as long as the chat.</summary>
    private sealed class Session(string conversationId, string memberId, GuestJwt jwt, EventStreamAddress address)
    {
        public string ConversationId { get; } = conversationId;

        public string MemberId { get; } = memberId;

        public GuestJwt Jwt { get; } = jwt;

        public EventStreamAddress Address { get; } = address;

        public int Incarnation { get; set; }

        /// <summary>When the socket of this incarnation was last heard from (opened, or a frame): the watchdog's clock.</summary>
        public DateTimeOffset HeardAt { get; set; }

        public IActorRef Stream { get; set; } = ActorRefs.Nobody;

        public bool GuestConnected { get; set; }

        public bool Leaving { get; set; }

        public int LeaveAttempts { get; set; }

        public bool StreamLost { get; set; }

        public TypingThrottle Typing { get; set; }
    }

    private sealed record PendingDelivery(string MemberId, Func<Member, object> Make);

    /// <summary>A query being answered from the journal (<see cref="MessageReplay"/>): who asked, and what.</summary>
    private abstract record ReadWanted(IActorRef Requester, object Question);

    /// <summary>A transcript being read from the journal, with the lines not written when it was asked.</summary>
    private sealed record TranscriptWanted(IActorRef Requester, ConversationQueries.GetTranscript Asked, IReadOnlyList<ConversationQueries.TranscriptLine> NotWritten)
        : ReadWanted(Requester, Asked);

    /// <summary>Messages after the asked number being read from the journal, up to <paramref name="Newest"/>.</summary>
    private sealed record MessagesWanted(IActorRef Requester, ConversationQueries.GetMessagesSince Asked, long Newest)
        : ReadWanted(Requester, Asked);

    private sealed record CreateCompleted(GuestChatResult<CreateWebChatConversationResponse> Result, IActorRef Starter, Start Command, int Attempt);

    private sealed record SendCompleted(SendMessage Command, IActorRef Requester, long SendId, int Attempt, DateTimeOffset StartedAt, GuestChatResult<WebChatMessage> Result);

    /// <summary>A send waiting its turn; <paramref name="Interrupted"/> when the journal held it without an outcome.</summary>
    private sealed record QueuedSend(SendMessage Command, IActorRef Requester, SendIntended? Interrupted);

    private sealed record MembersRefreshed(GuestChatResult<WebChatMemberInfoEntityList> Result);

    private sealed record SendCheckCompleted(SendCompleted Send, GuestChatResult<WebChatMessageEntityList> Result);

    private sealed record TypingCompleted(GuestChatResult<WebChatTyping> Result);

    private sealed record MediaRequestRead(GuestChatResult<WebChatGuestMediaRequest> Result);

    private sealed record MediaAnswer(AnswerMediaRequest Command, IActorRef Requester, int Attempt);

    private sealed record MediaAnswerCompleted(string MediaRequestId, MediaRequestDecision Decision, GuestChatResult<WebChatGuestMediaRequest> Result, MediaAnswer? Requested);

    private sealed record MediaAnswerChecked(MediaAnswerCompleted Answered, GuestChatResult<WebChatGuestMediaRequest> Result);

    private sealed record LeaveCompleted(GuestChatResult<NoContent> Result);

    private sealed record BackfillCompleted(GuestChatResult<WebChatMessageEntityList> Result);

    private sealed record MemberResolved(string MemberId, GuestChatResult<WebChatMemberInfo> Result, MemberState State);

    private sealed record OwnMemberChecked(GuestChatResult<WebChatMemberInfo> Result);

    /// <summary>A page of the messages of a chat that ended while the conversation was away.</summary>
    private sealed record EndRead(GuestChatResult<WebChatMessageEntityList> Result);

    private sealed record WatchdogExpired(int Incarnation);

    private sealed record JwtWarning(DateTimeOffset ExpiresAt);

    private sealed record Unclaimed
    {
        public static Unclaimed Instance { get; } = new();
    }

    private sealed record RetentionOver
    {
        public static RetentionOver Instance { get; } = new();
    }

    private sealed record JwtExpired(DateTimeOffset ExpiresAt);

    private sealed record BackfillRetry
    {
        public static BackfillRetry Instance { get; } = new();
    }

    private sealed record ReconnectTick
    {
        public static ReconnectTick Instance { get; } = new();
    }

    private sealed record TypingWindowOpened
    {
        public static TypingWindowOpened Instance { get; } = new();
    }
}
