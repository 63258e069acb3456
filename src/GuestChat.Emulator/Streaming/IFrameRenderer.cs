using GuestChat.Emulator.Chat;

namespace GuestChat.Emulator.Streaming;

/// <summary>How one guest API writes a conversation's events as websocket text frames.</summary>
internal interface IFrameRenderer
{
    /// <summary>The frame the heartbeat loop sends on every socket of this API; null when the API has none of its own (it relies on websocket pings).</summary>
    byte[]? Heartbeat { get; }

    /// <summary>The frame for this event in this conversation, made once and shared by every socket of the API; null when the API does not show it.</summary>
    byte[]? Render(Conversation conversation, ChatEvent chatEvent);
}
