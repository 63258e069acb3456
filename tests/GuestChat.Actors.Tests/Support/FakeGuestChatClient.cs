using System.Collections.Concurrent;
using System.Text;
using GuestChat.Client;
using GuestChat.Client.Authentication;
using GuestChat.Client.Errors;
using GuestChat.Client.Models;

namespace GuestChat.Actors.Tests.Support;

/// <summary>An in-memory stand-in for the API, for specs of one conversation: answers at once, records every call, and can be told to fail.</summary>
internal sealed class FakeGuestChatClient(Func<DateTimeOffset> now) : IGuestChatClient
{
    public const string ConversationId = "conv-1";
    public const string MemberId = "guest-1";

    public ConcurrentQueue<string> Calls { get; } = new();

    public List<WebChatMessage> Transcript { get; } = [];

    public TimeSpan JwtLifetime { get; set; } = TimeSpan.FromHours(21);

    public Func<CreateWebChatMessageRequest, GuestChatResult<WebChatMessage>?>? SendOverride { get; set; }

    /// <summary>Answers a transcript read instead of the transcript when it returns non-null.</summary>
    public Func<MessagePageQuery?, GuestChatResult<WebChatMessageEntityList>?>? MessagesOverride { get; set; }

    /// <summary>The media requests the agent raised, by id, with their states; answering any other is a 404.</summary>
    public Dictionary<string, MediaRequestState> MediaRequests { get; } = [];

    public Dictionary<string, WebChatMemberInfo> Members { get; } = new()
    {
        [MemberId] = new WebChatMemberInfo { Id = MemberId, Role = MemberRole.Customer, State = MemberState.Connected },
    };

    public static GuestChatError Error(FailureKind kind, int? status, string code) =>
        new() { Operation = "fake", Kind = kind, Status = status, Code = code, Message = code };

    public Task<GuestChatResult<CreateWebChatConversationResponse>> CreateConversationAsync(CreateWebChatConversationRequest request, CancellationToken cancellationToken)
    {
        Calls.Enqueue("create");
        var jwt = Jwt(now() + JwtLifetime);
        return Done(GuestChatResult<CreateWebChatConversationResponse>.Success(new CreateWebChatConversationResponse
        {
            Id = ConversationId,
            Jwt = jwt,
            EventStreamUri = $"ws://fake/chat/jwt/{jwt}",
            Member = new WebChatMemberInfo { Id = MemberId },
        }));
    }

    public Task<GuestChatResult<WebChatMemberInfoEntityList>> GetMembersAsync(GuestJwt jwt, string conversationId, MemberPageQuery? query, CancellationToken cancellationToken) =>
        Done(GuestChatResult<WebChatMemberInfoEntityList>.Success(new WebChatMemberInfoEntityList { Entities = [.. Members.Values] }));

    public Task<GuestChatResult<WebChatMemberInfo>> GetMemberAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"member {memberId}");
        return Done(Members.TryGetValue(memberId, out var member)
            ? GuestChatResult<WebChatMemberInfo>.Success(member)
            : GuestChatResult<WebChatMemberInfo>.Failure(Error(FailureKind.Final, 404, ErrorCodes.ChatNotFound)));
    }

    public Task<GuestChatResult<NoContent>> RemoveMemberAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken)
    {
        Calls.Enqueue("leave");
        return Done(GuestChatResult<NoContent>.Success(default));
    }

    public Task<GuestChatResult<WebChatMessage>> SendMessageAsync(GuestJwt jwt, string conversationId, string memberId, CreateWebChatMessageRequest message, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"send {message.Body}");
        if (SendOverride?.Invoke(message) is { } overridden)
        {
            return Done(overridden);
        }

        return Done(GuestChatResult<WebChatMessage>.Success(Post(memberId, message.Body!)));
    }

    public WebChatMessage Post(string senderId, string body)
    {
        var posted = new WebChatMessage
        {
            Id = $"msg-{Transcript.Count + 1}",
            Sender = new WebChatMemberInfo { Id = senderId },
            Body = body,
            BodyType = BodyType.Standard,
            Timestamp = now(),
        };
        Transcript.Add(posted);
        return posted;
    }

    public Task<GuestChatResult<WebChatTyping>> SendTypingAsync(GuestJwt jwt, string conversationId, string memberId, CancellationToken cancellationToken)
    {
        Calls.Enqueue("typing");
        return Done(GuestChatResult<WebChatTyping>.Success(new WebChatTyping { Id = Guid.NewGuid().ToString(), Timestamp = now() }));
    }

    public Task<GuestChatResult<WebChatMessageEntityList>> GetMessagesAsync(GuestJwt jwt, string conversationId, MessagePageQuery? query, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"messages after={query?.After} descending={query?.Descending}");
        if (MessagesOverride?.Invoke(query) is { } overridden)
        {
            return Done(overridden);
        }

        IEnumerable<WebChatMessage> page = Transcript;
        if (query?.After is { } after)
        {
            page = page.SkipWhile(m => m.Id != after).Skip(1);
        }

        if (query?.Descending == true)
        {
            page = page.Reverse();
        }

        return Done(GuestChatResult<WebChatMessageEntityList>.Success(new WebChatMessageEntityList { Entities = [.. page.Take(query?.MaxResults ?? 100)] }));
    }

    public Task<GuestChatResult<WebChatMessage>> GetMessageAsync(GuestJwt jwt, string conversationId, string messageId, CancellationToken cancellationToken) =>
        Done(GuestChatResult<WebChatMessage>.Success(Transcript.Single(m => m.Id == messageId)));

    public Task<GuestChatResult<WebChatGuestMediaRequestEntityList>> GetMediaRequestsAsync(GuestJwt jwt, string conversationId, CancellationToken cancellationToken) =>
        Done(GuestChatResult<WebChatGuestMediaRequestEntityList>.Success(new WebChatGuestMediaRequestEntityList { Entities = [] }));

    public Task<GuestChatResult<WebChatGuestMediaRequest>> GetMediaRequestAsync(GuestJwt jwt, string conversationId, string mediaRequestId, CancellationToken cancellationToken) =>
        Done(GuestChatResult<WebChatGuestMediaRequest>.Success(new WebChatGuestMediaRequest { Id = mediaRequestId, State = MediaRequests.GetValueOrDefault(mediaRequestId, MediaRequestState.Pending), Types = [MediaType.Cobrowse] }));

    public Task<GuestChatResult<WebChatGuestMediaRequest>> UpdateMediaRequestAsync(GuestJwt jwt, string conversationId, string mediaRequestId, WebChatGuestMediaRequest answer, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"media {mediaRequestId} {answer.State}");
        if (!MediaRequests.TryGetValue(mediaRequestId, out var state))
        {
            return Done(GuestChatResult<WebChatGuestMediaRequest>.Failure(Error(FailureKind.Final, 404, "not.found")));
        }

        if (state != MediaRequestState.Pending)
        {
            return Done(GuestChatResult<WebChatGuestMediaRequest>.Failure(Error(FailureKind.Final, 400, "invalid.value") with { Field = "state" }));
        }

        MediaRequests[mediaRequestId] = answer.State!.Value;
        return Done(GuestChatResult<WebChatGuestMediaRequest>.Success(answer with { Id = mediaRequestId }));
    }

    private static Task<T> Done<T>(T value) => Task.FromResult(value);

    private static string Jwt(DateTimeOffset expiresAt)
    {
        static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var payload = $$"""{"data":{"conv":"{{ConversationId}}","did":"d","sub":"{{MemberId}}"},"org":"o","iss":"urn:purecloud:webchat","iat":{{expiresAt.AddHours(-21).ToUnixTimeSeconds()}},"exp":{{expiresAt.ToUnixTimeSeconds()}}}""";
        return $"{Encode("""{"alg":"RS256","kid":"k","typ":"JWT"}""")}.{Encode(payload)}.c2ln";
    }
}
