using System.Text.Json;
using System.Text.Json.Serialization;
using GuestChat.Actors.Conversations;
using GuestChat.Client.Models;
using GuestChat.Client.Serialization;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Host.Api;

/// <summary>
/// A conversation event as the service shows it, in the server-sent-events feeds and on the message
/// queue's event exchange alike: an event name and a JSON object that always has <c>key</c>. The shapes
/// are named records, so the OpenAPI document and the JSON Schemas in <c>docs/schemas</c> describe them.
/// </summary>
internal static class EventViews
{
    /// <summary>
    /// How events are written (server-sent events, the message queue): the API's JSON rules, with a member
    /// written flat by <see cref="MemberViewWriter"/>. The same text; but the serializer's general path
    /// allocates a stack of frames for every object nested in another (the sender in every message), a
    /// fifth of what the feed allocated per message.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new(ApiJson.Options) { Converters = { new MemberViewWriter() } };

    /// <summary>Every event name with the shape of its data.</summary>
    public static IReadOnlyList<(string Name, Type Shape)> Shapes { get; } =
    [
        ("started", typeof(StartedView)),
        ("state", typeof(StateView)),
        ("member", typeof(MemberEvent)),
        ("message", typeof(MessageView)),
        ("typing", typeof(TypingView)),
        ("mediaRequest", typeof(MediaRequestView)),
        ("reconnecting", typeof(ReconnectingView)),
        ("jwtExpiring", typeof(JwtExpiringView)),
        ("ended", typeof(EndedView)),
    ];

    /// <summary>The event name and data of <paramref name="message"/>; null for what the feed does not carry.</summary>
    public static (string Name, object Data)? Of(IWithConversationKey message) => message switch
    {
        Started e => ("started", new StartedView(e.Key.Value, e.ConversationId, e.MemberId)),
        StateChanged e => ("state", new StateView(e.Key.Value, e.State)),
        MemberChanged e => ("member", new MemberEvent(e.Key.Value, ChatViews.MemberView.Of(e.Member))),
        MessageReceived e => ("message", new MessageView(e.Key.Value, e.MessageId, ChatViews.MemberView.Of(e.Sender), e.Body, e.BodyType, e.Timestamp, e.Sequence)),
        Typing e => ("typing", new TypingView(e.Key.Value, ChatViews.MemberView.Of(e.Member), e.ExpiresAt)),
        MediaRequested e => ("mediaRequest", new MediaRequestView(e.Key.Value, e.Request)),
        Reconnecting e => ("reconnecting", new ReconnectingView(e.Key.Value, e.Attempt, (long)e.Delay.TotalMilliseconds)),
        JwtExpiring e => ("jwtExpiring", new JwtExpiringView(e.Key.Value, e.ExpiresAt)),
        Ended e => ("ended", new EndedView(e.Key.Value, e.Reason, e.Error?.Code, e.Error?.Message)),
        _ => null,
    };

    /// <summary><c>started</c>: the chat exists at Genesys.</summary>
    public sealed record StartedView(string Key, string ConversationId, string MemberId);

    /// <summary><c>state</c>: the conversation moved to another state.</summary>
    public sealed record StateView(string Key, ConversationState State);

    /// <summary><c>member</c>: a member joined, changed state or left.</summary>
    public sealed record MemberEvent(string Key, ChatViews.MemberView Member);

    /// <summary><c>message</c>: a message from another member, once, with its sequence number in the chat.</summary>
    public sealed record MessageView(string Key, string MessageId, ChatViews.MemberView Sender, string Body, BodyType BodyType, DateTimeOffset Timestamp, long Sequence);

    /// <summary><c>typing</c>: another member is typing until <c>expiresAt</c>.</summary>
    public sealed record TypingView(string Key, ChatViews.MemberView Member, DateTimeOffset ExpiresAt);

    /// <summary><c>mediaRequest</c>: an agent asks for co-browse or screen share.</summary>
    public sealed record MediaRequestView(string Key, WebChatGuestMediaRequest Request);

    /// <summary><c>reconnecting</c>: the socket is gone and a new one comes after <c>delayMs</c>.</summary>
    public sealed record ReconnectingView(string Key, int Attempt, long DelayMs);

    /// <summary><c>jwtExpiring</c>: the guest's JWT expires soon; the chat ends then.</summary>
    public sealed record JwtExpiringView(string Key, DateTimeOffset ExpiresAt);

    /// <summary><c>ended</c>: the chat is over, with its reason and, if Genesys ended it with an error, its code and message.</summary>
    public sealed record EndedView(string Key, ConversationEndReason Reason, string? Code, string? Message);
}

/// <summary>Writes <see cref="ChatViews.MemberView"/> as the API's rules would (camelCase, nulls left out); only written, never read.</summary>
internal sealed class MemberViewWriter : JsonConverter<ChatViews.MemberView>
{
    public override ChatViews.MemberView Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("A member is only written.");

    public override void Write(Utf8JsonWriter writer, ChatViews.MemberView value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, value.Id);
        if (value.Role is { } role)
        {
            writer.WriteString("role"u8, WireEnumConverter<MemberRole>.WireName(role));
        }

        if (value.DisplayName is { } name)
        {
            writer.WriteString("displayName"u8, name);
        }

        writer.WriteString("state"u8, WireEnumConverter<MemberState>.WireName(value.State));
        writer.WriteEndObject();
    }
}
