using System.Text.Json;
using GuestChat.Client.Events;
using GuestChat.Client.Models;
using GuestChat.Client.Serialization;
using GuestChat.Emulator.Chat;

namespace GuestChat.Emulator.Streaming;

/// <summary>Builds the UTF-8 text of event-stream frames, once per event, shared by every socket it goes to.</summary>
internal static class Frames
{
    public static readonly byte[] Heartbeat = JsonSerializer.SerializeToUtf8Bytes(
        new EventFrame<HeartbeatEventBody>
        {
            TopicName = EventTopics.ChannelMetadata,
            EventBody = new HeartbeatEventBody { Message = EventTopics.HeartbeatMessage },
        },
        GuestChatJsonContext.Default.EventFrameHeartbeatEventBody);

    public static byte[] MemberChange(string topic, string conversationId, string memberId, MemberState state, DateTimeOffset timestamp) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new EventFrame<MemberChangeEventBody>
            {
                TopicName = topic,
                Version = EventTopics.Version,
                EventBody = new MemberChangeEventBody
                {
                    Conversation = new EntityRef { Id = conversationId },
                    Member = new MemberRef { Id = memberId, State = state },
                    Timestamp = timestamp,
                },
                Metadata = Metadata(EventTopics.MemberChangeType),
            },
            GuestChatJsonContext.Default.EventFrameMemberChangeEventBody);

    public static byte[] Message(string topic, ChatMessage message) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new EventFrame<MessageEventBody>
            {
                TopicName = topic,
                Version = EventTopics.Version,
                EventBody = new MessageEventBody
                {
                    Id = message.Id,
                    Conversation = new EntityRef { Id = message.ConversationId },
                    Sender = new EntityRef { Id = message.SenderId },
                    Body = message.Body,
                    BodyType = message.BodyType,
                    Timestamp = message.Timestamp,
                },
                Metadata = Metadata(EventTopics.MessageType),
            },
            GuestChatJsonContext.Default.EventFrameMessageEventBody);

    public static byte[] Typing(string topic, string conversationId, string eventId, string senderId, DateTimeOffset timestamp) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new EventFrame<TypingEventBody>
            {
                TopicName = topic,
                Version = EventTopics.Version,
                EventBody = new TypingEventBody
                {
                    Id = eventId,
                    Conversation = new EntityRef { Id = conversationId },
                    Sender = new EntityRef { Id = senderId },
                    Timestamp = timestamp,
                },
                Metadata = Metadata(EventTopics.TypingIndicatorType),
            },
            GuestChatJsonContext.Default.EventFrameTypingEventBody);

    private static FrameMetadata Metadata(string type) => new() { CorrelationId = Guid.NewGuid().ToString(), Type = type };
}
