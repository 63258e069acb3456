using Akka.Actor;

namespace GuestChat.Actors.EventStreams;

/// <summary>Makes real <see cref="EventStreamActor"/> children, one name per incarnation.</summary>
public sealed class EventStreamFactory : IEventStreamFactory
{
    /// <inheritdoc />
    public IActorRef Open(IActorContext context, EventStreamAddress address, int incarnation) =>
        context.ActorOf(EventStreamActor.Props(address, incarnation), $"events-{incarnation}");
}
