using Akka;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using GuestChat.Actors.Conversations;

namespace GuestChat.Actors.Persistence;

/// <summary>One message subscribers are told, as the journal holds it: its place among every chat's (<paramref name="Position"/>), its chat, and its place in that chat (<paramref name="Sequence"/>).</summary>
public sealed record LoggedMessage(long Position, ConversationKey Key, long Sequence, MessageSeen Seen) : IWithConversationKey;

/// <summary>
/// The messages of every chat in the order the journal wrote them, for a reader of all chats that must be
/// able to pick up where it left off. Conversations tag each message they tell subscribers with
/// <see cref="Tag"/>; this follows that tag with Akka.Persistence.Query, from a position a reader last saw.
/// Positions are the journal's own numbering, so they hold across restarts of the service. Only with a
/// durable provider: in memory there is nothing to read back.
/// </summary>
public sealed class MessageLog(ActorSystem system, JournalSettings settings)
{
    /// <summary>The tag on the messages subscribers are told (from other members, standard or notice).</summary>
    public const string Tag = "message";

    private readonly Lazy<SqlReadJournal> _journal = new(() => PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier));

    /// <summary>Whether there is a journal to follow.</summary>
    public bool Available => settings.Provider != PersistenceProvider.None;

    /// <summary>The position of the newest event written, where a reader with nothing to catch up on starts.</summary>
    public async Task<long> NewestPositionAsync(CancellationToken cancellationToken) =>
        await JournalDatabase.NewestPositionAsync(settings, cancellationToken)
        ?? throw new InvalidOperationException("The journal's newest position could not be read.");

    /// <summary>
    /// Tells <paramref name="onMessage"/> every message written after <paramref name="after"/>, in order,
    /// then each new one as it is written, until disposed; <paramref name="onFailed"/> if the journal
    /// cannot be read.
    /// </summary>
    public IDisposable Follow(long after, Action<LoggedMessage> onMessage, Action<Exception> onFailed)
    {
        if (!Available)
        {
            throw new InvalidOperationException("The in-memory journal keeps no messages to follow.");
        }

        var (kill, done) = _journal.Value.EventsByTag(Tag, Offset.Sequence(after))
            .ViaMaterialized(KillSwitches.Single<EventEnvelope>(), Keep.Right)
            .Select(Read)
            .Where(m => m is not null)
            .ToMaterialized(Sink.ForEach<LoggedMessage?>(m => onMessage(m!)), Keep.Both)
            .Run(system.Materializer());
        done.ContinueWith(t => onFailed(t.Exception!.GetBaseException()), TaskContinuationOptions.OnlyOnFaulted);
        return new Stop(kill);
    }

    private static LoggedMessage? Read(EventEnvelope envelope) =>
        envelope is { Offset: Sequence position, Event: MessageSeen seen } && ConversationActor.KeyOf(envelope.PersistenceId) is { } key
            ? new LoggedMessage(position.Value, key, envelope.SequenceNr, seen)
            : null;

    private sealed class Stop(UniqueKillSwitch kill) : IDisposable
    {
        public void Dispose() => kill.Shutdown();
    }
}
