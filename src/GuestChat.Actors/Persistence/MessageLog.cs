using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
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
/// able to pick up where they left off (the stream of every chat, the message-queue outbox): the chat
/// created, the chat ended, and the messages from other members (<see cref="MessageSeen.Told"/>; in a
/// journal written by an earlier build, those tagged <see cref="Tag"/>). A reader follows the journal's
/// rows from a position it last saw.
/// Positions are the journal's own numbering, so they hold across restarts of the service. Only with a
/// durable provider: in memory there is nothing to read back.
/// <para>
/// A reader reads the rows after its position, hands on the told ones, and waits for the next write in
/// this process (<see cref="JournalWrites"/>), a <see cref="Following.Nudge"/>, or its poll (writes of
/// other nodes): a message reaches it a database read after it is written, not a poll interval. It
/// passes a position only in order. A gap in the numbering is a row deleted, a write rolled back, or (on
/// PostgreSQL, whose writers commit side by side) a write not yet committed, which a reader waits for
/// rather than pass a message over (see <see cref="Settling"/>).
/// </para>
/// </summary>
public sealed class MessageLog(ActorSystem system, JournalSettings settings)
{
    /// <summary>The tag an earlier build put on the facts subscribers are told (read, no longer written: a tagged write costs a round trip per event).</summary>
    public const string Tag = "told";

    /// <summary>The manifests of the facts that may be told (a message only when it says so).</summary>
    internal static readonly IReadOnlyCollection<string> ToldManifests = ConversationFactSerializer.ManifestsOf(typeof(ChatCreated), typeof(ChatEnded), typeof(MessageSeen));

    /// <summary>How often a reader with nothing new reads again, for writes it is not told of (other nodes').</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>How old a moment must be at least before the positions up to it are settled on PostgreSQL (see <see cref="Settling"/>).</summary>
    public static readonly TimeSpan GapPatience = TimeSpan.FromSeconds(1);

    /// <summary>How long a gap is waited for at most on PostgreSQL (a transaction left open elsewhere holds the horizon back).</summary>
    public static readonly TimeSpan GapGiveUp = TimeSpan.FromSeconds(10);

    private const int BatchSize = 1000;
    private static readonly TimeSpan GapRecheck = TimeSpan.FromMilliseconds(50);

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
    /// if the journal cannot be read, after which nothing more is handed on.
    /// </summary>
    public Following Follow(long after, Func<LoggedFact, Task> onFact, Action<Exception> onFailed)
    {
        if (!Available)
        {
            throw new InvalidOperationException("The in-memory journal keeps nothing to follow.");
        }

        var following = new Following();
        _ = Task.Run(() => FollowAsync(after, onFact, onFailed, following));
        return following;
    }

    private async Task FollowAsync(long after, Func<LoggedFact, Task> onFact, Action<Exception> onFailed, Following following)
    {
        var cancellationToken = following.Stopping;
        var settling = new Settling(settings);
        var wake = following.Wake;
        var keys = new Dictionary<string, ConversationKey?>(StringComparer.Ordinal);

        // Woken by a write in this process, a nudge, its poll (a write elsewhere) and its end; a wake that comes while it reads is kept for its next wait.
        using var listening = JournalWrites.Of(system).Listen(wake);
        await using var poll = new Timer(static w => ((Wake)w!).Set(), wake, Poll, Poll);
        try
        {
            await using var journal = await JournalDatabase.OpenRowReaderAsync(settings, ToldManifests, Tag, Payload, cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                // No pause between reads: writes that land while this reads are read together by the next one (a pause of
                // a millisecond cost every message 2 ms, and no CPU was saved by it).
                var rows = await journal.AfterAsync(after, BatchSize, cancellationToken);
                var held = false;
                foreach (var row in rows)
                {
                    if (row.Position > after + 1)
                    {
                        if (!settling.Passable(row.Position - 1, system.Log))
                        {
                            held = true;
                            break;
                        }
                    }

                    after = row.Position;
                    if (Read(row, keys) is { } fact)
                    {
                        await onFact(fact);
                    }
                }

                if (held)
                {
                    // New writes cannot pass the gap: it is looked at again a little later, whatever is written meanwhile.
                    await settling.AdvanceAsync(cancellationToken);
                    await Task.Delay(GapRecheck, cancellationToken);
                    continue;
                }

                if (rows.Count == BatchSize)
                {
                    continue;
                }

                await wake.WaitAsync();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception e)
        {
            onFailed(e);
        }
    }

    /// <summary>A row's fact, read from its bytes as they lie (the conversations' own serializer), or through Akka's serialization (any other).</summary>
    private object? Payload(ReadOnlySpan<byte> bytes, int? serializer, string? manifest) => serializer switch
    {
        null => null,
        ConversationFactSerializer.Id when manifest is not null => ConversationFactSerializer.Read(bytes, manifest),
        { } other => system.Serialization.Deserialize(bytes.ToArray(), other, manifest),
    };

    private LoggedFact? Read(JournalRow row, Dictionary<string, ConversationKey?> keys)
    {
        if (row.Payload is not { } payload)
        {
            return null;
        }

        // A chat's key is read from its persistence id once per reader, not for every message.
        if (!keys.TryGetValue(row.PersistenceId, out var known))
        {
            if (keys.Count >= 50_000)
            {
                keys.Clear();
            }

            keys[row.PersistenceId] = known = ConversationActor.KeyOf(row.PersistenceId);
        }

        if (known is not { } key)
        {
            return null;
        }

        var told = payload switch
        {
            MessageSeen { Told: true } seen => seen,
            MessageSeen { Told: null } seen when row.Tagged => seen,
            ChatCreated created => created,
            ChatEnded ended => (IConversationFact)ended,
            _ => null,
        };
        return told is null ? null : new LoggedFact(row.Position, key, row.SequenceNr, told);
    }

    /// <summary>A reader of the journal; disposing it stops it.</summary>
    public sealed class Following : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        internal CancellationToken Stopping => _stop.Token;

        internal Wake Wake { get; } = new();

        /// <summary>Reads now: something was written that this process was not told of (a write on another node).</summary>
        public void Nudge() => Wake.Set();

        /// <inheritdoc />
        public void Dispose()
        {
            _stop.Cancel();
            Wake.Set();
        }
    }

    /// <summary>
    /// Which missing positions will never be filled. On SQLite every one (its writers commit one after another,
    /// in the order they are numbered). On PostgreSQL a position is numbered when a row is inserted, and the
    /// row is seen when its transaction commits, in any order. So a reader takes a moment (the newest
    /// position then, and the next transaction to start); once every transaction running at that moment has
    /// ended, and the moment is at least <see cref="GapPatience"/> old (a writer can take its number a little
    /// before its transaction shows as running), every position up to that newest one is settled: one still
    /// missing was deleted or rolled back. Only a mark settled before a read lets that read pass a gap (a
    /// transaction that commits between a read and the check after it is seen by the next read). A gap at or
    /// below the mark is passed at once, so a reader catching up passes old deletions without waiting; a
    /// newer one waits for the next moment to settle, or at most <see cref="GapGiveUp"/> (a transaction left
    /// open elsewhere holds every moment back).
    /// </summary>
    private sealed class Settling(JournalSettings settings)
    {
        private long _settled;
        private (long Next, long Newest, long At)? _moment;
        private (long Position, long SeenAt)? _waiting;

        /// <summary>Whether a read that found the positions up to <paramref name="lastMissing"/> missing can pass them; says so in the log when it gives up waiting.</summary>
        public bool Passable(long lastMissing, ILoggingAdapter log)
        {
            if (settings.Provider != PersistenceProvider.PostgreSql || lastMissing <= _settled)
            {
                _waiting = null;
                return true;
            }

            if (_waiting?.Position != lastMissing)
            {
                _waiting = (lastMissing, Stopwatch.GetTimestamp());
            }
            else if (Stopwatch.GetElapsedTime(_waiting.Value.SeenAt) >= GapGiveUp)
            {
                log.Warning("The journal's position {0} stayed missing for {1:F0} s with transactions still running; passed", lastMissing, GapGiveUp.TotalSeconds);
                _waiting = null;
                return true;
            }

            return false;
        }

        /// <summary>Looks at the transactions now, settling the moment taken before when it can; for the reads after this one.</summary>
        public async Task AdvanceAsync(CancellationToken cancellationToken)
        {
            if (settings.Provider != PersistenceProvider.PostgreSql || await JournalDatabase.TransactionHorizonAsync(settings, cancellationToken) is not { } now)
            {
                return;
            }

            if (_moment is { } moment && now.Oldest >= moment.Next && Stopwatch.GetElapsedTime(moment.At) >= GapPatience)
            {
                _settled = Math.Max(_settled, moment.Newest);
                _moment = null;
            }

            _moment ??= (now.Next, now.Newest, Stopwatch.GetTimestamp());
        }
    }
}
