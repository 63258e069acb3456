using System.Collections.Concurrent;
using Akka.Actor;
using GuestChat.Actors.Conversations;

namespace GuestChat.Actors.Tests.Support;

/// <summary>A subscriber of every conversation that keeps what each one told, by key, for a test to read.</summary>
internal sealed class EventRecorder : ReceiveActor
{
    public EventRecorder(ConcurrentDictionary<ConversationKey, ConcurrentQueue<object>> events) =>
        Receive<IWithConversationKey>(e => events.GetOrAdd(e.Key, _ => new ConcurrentQueue<object>()).Enqueue(e));
}
