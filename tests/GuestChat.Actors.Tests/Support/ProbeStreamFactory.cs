using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using GuestChat.Actors.EventStreams;

namespace GuestChat.Actors.Tests.Support;

/// <summary>Hands a conversation a test probe for each socket incarnation it opens, and remembers them.</summary>
internal sealed class ProbeStreamFactory(Func<TestProbe> makeProbe) : IEventStreamFactory
{
    public ConcurrentDictionary<int, TestProbe> Opened { get; } = new();

    public IActorRef Open(IActorContext context, EventStreamAddress address, int incarnation)
    {
        var probe = makeProbe();
        Opened[incarnation] = probe;
        return probe.Ref;
    }
}
