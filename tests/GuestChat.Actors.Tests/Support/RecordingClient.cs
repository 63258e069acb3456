using System.Collections.Concurrent;
using GuestChat.Client;
using GuestChat.Client.Authentication;
using GuestChat.Client.Models;

namespace GuestChat.Actors.Tests.Support;

/// <summary>Forwards every call to a real client and keeps the JWTs it hands out, so a test can look for them where they must not be.</summary>
internal sealed class RecordingClient(IGuestChatClient inner) : IGuestChatClient
{
    public ConcurrentQueue<string> IssuedJwts { get; } = new();

    public async Task<GuestChatResult<CreateWebChatConversationResponse>> CreateConversationAsync(CreateWebChatConversationRequest request, CancellationToken cancellationToken)
    {
        var result = await inner.CreateConversationAsync(request, cancellationToken);
        if (result.Value?.Jwt is { } jwt)
        {
            IssuedJwts.Enqueue(jwt);
        }

        return result;
    }

    public Task<GuestChatResult<WebChatMemberInfoEntityList>> GetMembersAsync(GuestJwt jwt, string conversationId, MemberPageQuery? query, CancellationToken cancellationToken) => inner.GetMembersAsync(jwt, conversationId, query, cancellationToken);

    public Task<GuestChatResult<WebChatMemberInfo>> GetMemberAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken) => inner.GetMemberAsync(jwt, conversationId, memberId, cancellationToken);

    public Task<GuestChatResult<NoContent>> RemoveMemberAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken) => inner.RemoveMemberAsync(jwt, conversationId, memberId, cancellationToken);

    public Task<GuestChatResult<WebChatMessage>> SendMessageAsync(GuestJwt jwt, string conversationId, string memberId, CreateWebChatMessageRequest message, CancellationToken cancellationToken) => inner.SendMessageAsync(jwt, conversationId, memberId, message, cancellationToken);

    public Task<GuestChatResult<WebChatTyping>> SendTypingAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken) => inner.SendTypingAsync(jwt, conversationId, memberId, cancellationToken);

    public Task<GuestChatResult<WebChatMessageEntityList>> GetMessagesAsync(GuestJwt jwt, string conversationId, MessagePageQuery? query, CancellationToken cancellationToken) => inner.GetMessagesAsync(jwt, conversationId, query, cancellationToken);

    public Task<GuestChatResult<WebChatMessage>> GetMessageAsync(GuestJwt jwt, string conversationId, string messageId, CancellationToken cancellationToken) => inner.GetMessageAsync(jwt, conversationId, messageId, cancellationToken);

    public Task<GuestChatResult<WebChatGuestMediaRequestEntityList>> GetMediaRequestsAsync(GuestJwt jwt, string conversationId, CancellationToken cancellationToken) => inner.GetMediaRequestsAsync(jwt, conversationId, cancellationToken);

    public Task<GuestChatResult<WebChatGuestMediaRequest>> GetMediaRequestAsync(GuestJwt jwt, string conversationId, string mediaRequestId, CancellationToken cancellationToken) => inner.GetMediaRequestAsync(jwt, conversationId, mediaRequestId, cancellationToken);

    public Task<GuestChatResult<WebChatGuestMediaRequest>> UpdateMediaRequestAsync(GuestJwt jwt, string conversationId, string mediaRequestId, WebChatGuestMediaRequest answer, CancellationToken cancellationToken) => inner.UpdateMediaRequestAsync(jwt, conversationId, mediaRequestId, answer, cancellationToken);
}
