using Akka.Actor;

namespace GuestChat.Actors.EventStreams;

/// <summary>Makes a conversation's socket child; specs put a probe in its place.</summary>
public interface IEventStreamFactory
{
    /// <summary>Starts incarnation <paramref name="incarnation"/> of the socket as a child of <paramref name="context"/>.</summary>
    IActorRef Open(IActorContext context, EventStreamAddress address, int incarnation);
}
