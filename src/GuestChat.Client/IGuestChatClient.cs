using GuestChat.Client.Authentication;
using GuestChat.Client.Models;

namespace GuestChat.Client;

/// <summary>The guest chat API's 11 operations, as <see cref="GuestChatClient"/> implements them; a seam for actor specs.</summary>
public interface IGuestChatClient
{
    /// <summary>1. Creates a chat.</summary>
    Task<GuestChatResult<CreateWebChatConversationResponse>> CreateConversationAsync(CreateWebChatConversationRequest request, CancellationToken cancellationToken);

    /// <summary>2. One page of the members.</summary>
    Task<GuestChatResult<WebChatMemberInfoEntityList>> GetMembersAsync(GuestJwt jwt, string conversationId, MemberPageQuery? query, CancellationToken cancellationToken);

    /// <summary>3. One member.</summary>
    Task<GuestChatResult<WebChatMemberInfo>> GetMemberAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken);

    /// <summary>4. Removes a member (the guest's own: leaves).</summary>
    Task<GuestChatResult<NoContent>> RemoveMemberAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken);

    /// <summary>5. Sends a message.</summary>
    Task<GuestChatResult<WebChatMessage>> SendMessageAsync(GuestJwt jwt, string conversationId, string memberId, CreateWebChatMessageRequest message, CancellationToken cancellationToken);

    /// <summary>6. Sends a typing indicator.</summary>
    Task<GuestChatResult<WebChatTyping>> SendTypingAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken);

    /// <summary>7. One page of the transcript.</summary>
    Task<GuestChatResult<WebChatMessageEntityList>> GetMessagesAsync(GuestJwt jwt, string conversationId, MessagePageQuery? query, CancellationToken cancellationToken);

    /// <summary>8. One message.</summary>
    Task<GuestChatResult<WebChatMessage>> GetMessageAsync(GuestJwt jwt, string conversationId, string messageId, CancellationToken cancellationToken);

    /// <summary>9. All media requests.</summary>
    Task<GuestChatResult<WebChatGuestMediaRequestEntityList>> GetMediaRequestsAsync(GuestJwt jwt, string conversationId, CancellationToken cancellationToken);

    /// <summary>10. One media request.</summary>
    Task<GuestChatResult<WebChatGuestMediaRequest>> GetMediaRequestAsync(GuestJwt jwt, string conversationId, string mediaRequestId, CancellationToken cancellationToken);

    /// <summary>11. Answers a media request.</summary>
    Task<GuestChatResult<WebChatGuestMediaRequest>> UpdateMediaRequestAsync(GuestJwt jwt, string conversationId, string mediaRequestId, WebChatGuestMediaRequest answer, CancellationToken cancellationToken);
}
