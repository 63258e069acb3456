using GuestChat.Client.Models;

namespace GuestChat.Emulator.Chat;

/// <summary>
/// Something a conversation tells its guest's sockets; each socket's API writes it in its own frames
/// (<see cref="Streaming.IFrameRenderer"/>), or not at all when that API has no such frame.
/// </summary>
internal abstract record ChatEvent;

/// <summary>A message was added to the transcript (a text, a join or leave notice, a media request).</summary>
internal sealed record MessageAppended(ChatMessage Message) : ChatEvent;

/// <summary>A member is typing.</summary>
internal sealed record TypingShown(string EventId, string SenderId, DateTimeOffset Timestamp) : ChatEvent;

/// <summary>A member joined, was alerted, connected or left.</summary>
internal sealed record MemberChanged(Member Member, MemberState State, DateTimeOffset Timestamp) : ChatEvent;

/// <summary>The conversation ended; nothing more will be said in it.</summary>
internal sealed record ChatEnded(ChatEndReason Reason, DateTimeOffset Timestamp) : ChatEvent;
