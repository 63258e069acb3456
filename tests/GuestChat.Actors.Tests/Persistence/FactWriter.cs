using Akka.Actor;
using Akka.Persistence;
using GuestChat.Actors.Persistence;

namespace GuestChat.Actors.Tests.Persistence;

/// <summary>
/// A persistent actor that writes what it is given under a persistence id, as a conversation (or a crashed
/// service, or an earlier build) would have left it in the journal, and says what it recovered.
/// </summary>
internal sealed class FactWriter(string persistenceId) : UntypedPersistentActor
{
    private readonly List<IConversationFact> _recovered = [];

    public override string PersistenceId { get; } = persistenceId;

    protected override void OnRecover(object message)
    {
        if (message is IConversationFact fact)
        {
            _recovered.Add(fact);
        }
    }

    protected override void OnCommand(object message)
    {
        var sender = Sender;
        switch (message)
        {
            case Write write:
                PersistAll(write.Events, _ => { });
                DeferAsync(Akka.Done.Instance, done => sender.Tell(done));
                break;

            case Delete delete:
                DeleteMessages(delete.UpTo);
                Become(m =>
                {
                    if (m is DeleteMessagesSuccess or DeleteMessagesFailure)
                    {
                        sender.Tell(m);
                        UnbecomeStacked();
                    }
                });
                break;

            case Recovered:
                sender.Tell((IReadOnlyList<IConversationFact>)[.. _recovered]);
                break;
        }
    }

    /// <summary>Write these; answered with <see cref="Akka.Done"/>.</summary>
    public sealed record Write(IReadOnlyList<object> Events);

    /// <summary>Delete the events up to this sequence number; answered with <see cref="DeleteMessagesSuccess"/> or <see cref="DeleteMessagesFailure"/>.</summary>
    public sealed record Delete(long UpTo);

    /// <summary>What was recovered; answered with the facts.</summary>
    public sealed record Recovered
    {
        public static Recovered Instance { get; } = new();
    }
}

/// <summary>Writing to the journal from a test.</summary>
internal static class JournalFacts
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Writes <paramref name="events"/> (facts, or facts in <see cref="Akka.Persistence.Journal.Tagged"/>) under <paramref name="persistenceId"/>; returns once they are written.</summary>
    public static async Task WriteAsync(ActorSystem system, string persistenceId, params object[] events)
    {
        var writer = system.ActorOf(Props.Create(() => new FactWriter(persistenceId)));
        await writer.Ask<Akka.Done>(new FactWriter.Write(events), Patience);
        system.Stop(writer);
    }
}
