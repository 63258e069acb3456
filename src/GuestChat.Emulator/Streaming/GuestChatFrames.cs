using System.Text.Json;
using GuestChat.Client.Events;
using GuestChat.Client.Models;
using GuestChat.Client.Serialization;
using GuestChat.Emulator.Chat;

namespace GuestChat.Emulator.Streaming;

/// <summary>The guest chat event stream's frames (UTF-8 JSON): member changes, messages, typing and the heartbeat.</summary>
internal sealed class GuestChatFrames : IFrameRenderer
{
    private static readonly byte[] HeartbeatFrame = JsonSerializer.SerializeToUtf8Bytes(
        new EventFrame<HeartbeatEventBody>
        {
            TopicName = EventTopics.ChannelMetadata,
            EventBody = new HeartbeatEventBody { Message = EventTopics.HeartbeatMessage },
        },
        GuestChatJsonContext.Default.EventFrameHeartbeatEventBody);

    private GuestChatFrames()
    {
    }

    public static GuestChatFrames Instance { get; } = new();

    public byte[]? Heartbeat => HeartbeatFrame;

    public byte[]? Render(Conversation conversation, ChatEvent chatEvent) => chatEvent switch
    {
        MessageAppended appended => Message(conversation.MessagesTopic, appended.Message),
        TypingShown typing => Typing(conversation.MessagesTopic, conversation.Id, typing.EventId, typing.SenderId, typing.Timestamp),
        MemberChanged changed => MemberChange(conversation.MembersTopic, conversation.Id, changed.Member.Id, changed.State, changed.Timestamp),
        _ => null, // the end shows as the guest's member change and the leave message
    };

    private static byte[] MemberChange(string topic, string conversationId, string memberId, MemberState state, DateTimeOffset timestamp) =>
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

    private static byte[] Message(string topic, ChatMessage message) =>
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

    private static byte[] Typing(string topic, string conversationId, string eventId, string senderId, DateTimeOffset timestamp) =>
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
