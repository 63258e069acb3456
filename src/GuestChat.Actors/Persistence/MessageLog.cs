using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using GuestChat.Actors.Conversations;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// One fact subscribers are told, as the journal holds it: a message (<see cref="MessageSeen"/>), a chat
/// created (<see cref="ChatCreated"/>) or ended (<see cref="ChatEnded"/>); its place among every chat's
/// facts (<paramref name="Position"/>), its chat, and its place in that chat (<paramref name="Sequence"/>).
/// </summary>
public sealed record LoggedFact(long Position, ConversationKey Key, long Sequence, IConversationFact Fact) : IWithConversationKey;

/// <summary>
/// What subscribers of every chat are told, in the order the journal wrote it, for readers that must be
/// able to pick up where they left off (the stream of every chat, the message-queue outbox).
/// Conversations tag the facts they tell (the messages from other members, the chat created, the chat
/// ended) with <see cref="Tag"/>; this follows that tag with Akka.Persistence.Query, from a position a
/// reader last saw. Positions are the journal's own numbering, so they hold across restarts of the
/// service. Only with a durable provider: in memory there is nothing to read back.
/// </summary>
public sealed class MessageLog(ActorSystem system, JournalSettings settings)
{
    /// <summary>The tag on the facts subscribers are told.</summary>
    public const string Tag = "told";

    private readonly Lazy<SqlReadJournal> _journal = new(() => PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier));

    /// <summary>Whether there is a journal to follow.</summary>
    public bool Available => settings.Provider != PersistenceProvider.None;

    /// <summary>The position of the newest event written, where a reader with nothing to catch up on starts.</summary>
    public async Task<long> NewestPositionAsync(CancellationToken cancellationToken) =>
        await JournalDatabase.NewestPositionAsync(settings, cancellationToken)
        ?? throw new InvalidOperationException("The journal's newest position could not be read.");

    /// <summary>
    /// Hands <paramref name="onFact"/> every told fact written after <paramref name="after"/>, in order,
    /// then each new one as it is written, until disposed: the next waits until the task of the one before
    /// has completed (a slow reader holds the journal back, it is not flooded). <paramref name="onFailed"/>
    /// if the journal cannot be read.
    /// </summary>
    public IDisposable Follow(long after, Func<LoggedFact, Task> onFact, Action<Exception> onFailed)
    {
        if (!Available)
        {
            throw new InvalidOperationException("The in-memory journal keeps nothing to follow.");
        }

        var (kill, done) = _journal.Value.EventsByTag(Tag, Offset.Sequence(after))
            .ViaMaterialized(KillSwitches.Single<EventEnvelope>(), Keep.Right)
            .Select(Read)
            .Where(m => m is not null)
            .ToMaterialized(Sink.ForEachAsync<LoggedFact?>(1, m => onFact(m!)), Keep.Both)
            .Run(system.Materializer());
        done.ContinueWith(t => onFailed(t.Exception!.GetBaseException()), TaskContinuationOptions.OnlyOnFaulted);
        return new Stop(kill);
    }

    private static LoggedFact? Read(EventEnvelope envelope) =>
        envelope is { Offset: Sequence position, Event: MessageSeen or ChatCreated or ChatEnded } && ConversationActor.KeyOf(envelope.PersistenceId) is { } key
            ? new LoggedFact(position.Value, key, envelope.SequenceNr, (IConversationFact)envelope.Event)
            : null;

    private sealed class Stop(UniqueKillSwitch kill) : IDisposable
    {
        public void Dispose() => kill.Shutdown();
    }
}
