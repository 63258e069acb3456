using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Persistence.Journal;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Persistence;
using GuestChat.Client.Models;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace GuestChat.Actors.Tests.Persistence;

/// <summary>Following the journal on SQLite.</summary>
public sealed class SqliteMessageLogTests : MessageLogTests
{
    protected override Task<JournalSettings> JournalAsync(string folder) => TestJournals.SqliteAsync(folder);

    [Fact]
    public async Task A_reader_that_reads_again_and_again_does_not_compile_its_query_again_each_time()
    {
        // A follower reads after every write, a thousand times a second under load: compiling its query again
        // on each read was about a tenth of the service's CPU.
        await WriteAsync("a", Told("a-1"), Told("a-2"));
        await using var reader = await JournalDatabase.OpenRowReaderAsync(Journal, MessageLog.ToldManifests, MessageLog.Tag, (bytes, _, manifest) => ConversationFactSerializer.Read(bytes, manifest!), CancellationToken.None);

        var rows = await reader.AfterAsync(0, 256, CancellationToken.None);
        Assert.Equal(["conversation-a", "conversation-a"], rows.TakeLast(2).Select(r => r.PersistenceId));
        Assert.Equal(["a-1", "a-2"], rows.TakeLast(2).Select(r => Assert.IsType<MessageSeen>(r.Payload).Body));
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(rows[^1].Position, Assert.Single(await reader.AfterAsync(rows[^2].Position, 256, CancellationToken.None)).Position);
        }

        Assert.Equal(1, reader.Recompiled); // the limit, bound once before the first read
        Assert.Single(await reader.AfterAsync(0, 1, CancellationToken.None));
        Assert.Equal(2, reader.Recompiled); // and again when it changes
    }
}

/// <summary>Following the journal on PostgreSQL, whose writers commit side by side.</summary>
public sealed class PostgreSqlMessageLogTests(PostgresFixture postgres) : MessageLogTests, IClassFixture<PostgresFixture>
{
    protected override Task<JournalSettings> JournalAsync(string folder) => TestJournals.PostgreSqlAsync(postgres.Server);

    [Fact]
    public async Task A_message_still_being_committed_is_waited_for_and_handed_on_before_the_ones_written_after_it()
    {
        // A write that has taken its position but not committed yet: a reader that passed over it would never see it.
        await using var slow = await BeginEndingAsync("slow");
        using var following = Follow(0);
        await WriteAsync("quick", Told("after"));

        Assert.False(await Facts.Reader.WaitToReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(t => t.IsCompletedSuccessfully),
            "nothing is handed on while an earlier position may still be committed");

        await slow.Transaction.CommitAsync();
        var facts = await NextAsync(2);

        Assert.Equal(["slow", "quick"], facts.Select(f => f.Key.Value));
        Assert.IsType<ChatEnded>(facts[0].Fact);
        Assert.True(facts[0].Position < facts[1].Position);
    }

    [Fact]
    public async Task A_write_rolled_back_leaves_a_gap_the_reader_passes_once_no_transaction_of_that_moment_runs()
    {
        await using (var rolledBack = await BeginEndingAsync("never"))
        {
            await rolledBack.Transaction.RollbackAsync();
        }

        using var following = Follow(0);
        await WriteAsync("after", Told("after the gap"));

        Assert.Equal(["after:after the gap"], (await NextAsync(1)).Select(f => $"{f.Key.Value}:{((MessageSeen)f.Fact).Body}"));
    }

    /// <summary>A connection with a transaction that has written a chat's end and not committed yet (it has taken its position).</summary>
    private async Task<Uncommitted> BeginEndingAsync(string key)
    {
        await JournalFacts.WriteAsync(System, "someone-else", new CursorMoved(1));
        var connection = new NpgsqlConnection(Journal.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) VALUES (0, false, @pid, 1, @message, 'chat-ended.v1', @serializer, 'test')",
            connection, transaction);
        insert.Parameters.AddWithValue("pid", ConversationActor.PersistenceIdOf(new ConversationKey(key)));
        insert.Parameters.AddWithValue("message", new ConversationFactSerializer((ExtendedActorSystem)System).ToBinary(new ChatEnded(ConversationEndReason.AgentEnded, null, At)));
        insert.Parameters.AddWithValue("serializer", ConversationFactSerializer.Id);
        await insert.ExecuteNonQueryAsync();
        return new Uncommitted(connection, transaction);
    }

    private sealed record Uncommitted(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}

/// <summary>
/// A reader of every chat's told facts in the journal (<see cref="MessageLog"/>), as the stream of every chat
/// and the message-queue outbox use it: in the journal's order, the told ones only, from a position on, past
/// deleted rows, including what an earlier build tagged instead of marking, and each new one as it is written.
/// </summary>
public abstract class MessageLogTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset At = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"guestchat-log-{Guid.NewGuid():N}");
    private IHost _host = null!;

    protected JournalSettings Journal { get; private set; } = null!;

    protected ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    protected Channel<LoggedFact> Facts { get; } = Channel.CreateUnbounded<LoggedFact>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        Journal = await JournalAsync(_folder);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("message-log", akka => akka.WithConversationPersistence(Journal));
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>The journal the test writes and reads (a database of the test's own).</summary>
    protected abstract Task<JournalSettings> JournalAsync(string folder);

    [Fact]
    public async Task Told_facts_come_in_the_order_written_past_deleted_rows_and_untold_messages_do_not()
    {
        await WriteAsync("a", new ChatCreated("c-a", "guest-a", "v1.x", "wss://example/a", At), Told("a-1"), Seen("guest-a", "guest's own", told: false));
        await JournalFacts.WriteAsync(System, "someone-else", new CursorMoved(1), new CursorMoved(2), new CursorMoved(3));
        var deleter = System.ActorOf(Props.Create(() => new FactWriter("someone-else")));
        Assert.IsType<DeleteMessagesSuccess>(await deleter.Ask<object>(new FactWriter.Delete(2), Patience));

        // Written by an earlier build: no "told" in the message, a journal tag instead.
        await WriteAsync("b", new Tagged(Seen("agent-1", "tagged", told: null), [MessageLog.Tag]), Seen("agent-1", "neither told nor tagged", told: null));
        await WriteAsync("a", Told("a-2"), new ChatEnded(ConversationEndReason.GuestLeft, null, At));

        using var following = Follow(0);
        var facts = await NextAsync(5);

        Assert.Equal(["a:ChatCreated", "a:a-1", "b:tagged", "a:a-2", "a:ChatEnded"], facts.Select(Describe));
        Assert.Equal(facts.Select(f => f.Position).Order(), facts.Select(f => f.Position));
        Assert.Equal([1L, 2, 1, 4, 5], facts.Select(f => f.Sequence));
        Assert.False(Facts.Reader.TryRead(out var extra), $"nothing else is told, but got {extra}");
    }

    [Fact]
    public async Task A_reader_from_a_position_gets_what_came_after_it_then_each_new_fact_as_it_is_written()
    {
        await WriteAsync("a", new ChatCreated("c-a", "guest-a", "v1.x", "wss://example/a", At), Told("a-1"));
        long from;
        using (Follow(0))
        {
            from = (await NextAsync(2))[^1].Position;
        }

        using var following = Follow(from);
        await WriteAsync("a", Told("a-2"));
        Assert.Equal(["a:a-2"], (await NextAsync(1)).Select(Describe));

        // Then live: each write as it lands, in order.
        for (var i = 3; i <= 5; i++)
        {
            await WriteAsync("a", Told($"a-{i}"));
            Assert.Equal([$"a:a-{i}"], (await NextAsync(1)).Select(Describe));
        }
    }

    [Fact]
    public async Task A_live_reader_hands_on_exactly_what_a_reader_of_the_database_does_at_the_same_positions()
    {
        await JournalFacts.WriteAsync(System, "someone-else", new CursorMoved(1)); // the journal's tables exist
        var live = new List<LoggedFact>();
        using (Follow(0))
        {
            await WriteAsync("a", new ChatCreated("c-a", "guest-a", "v1.x", "wss://example/a", At), Told("a-1"));
            live.AddRange(await NextAsync(2));

            // Each write lands while the reader waits at the head of the journal; one goes through another writer
            // (Akka.Persistence.Sql's own path, for a tagged event) between them.
            for (var i = 2; i <= 6; i++)
            {
                await WriteAsync(i % 2 == 0 ? "a" : "b", Told($"x-{i}"));
                live.AddRange(await NextAsync(1));
            }

            await WriteAsync("b", new Tagged(Told("through another writer"), ["other"]));
            await WriteAsync("a", Told("a-7"));
            live.AddRange(await NextAsync(2));
        }

        using (Follow(0))
        {
            Assert.Equal(await NextAsync(live.Count), live);
        }

        Assert.Equal(["a:ChatCreated", "a:a-1", "a:x-2", "b:x-3", "a:x-4", "b:x-5", "a:x-6", "b:through another writer", "a:a-7"], live.Select(Describe));
    }

    protected IDisposable Follow(long after) =>
        new MessageLog(System, Journal).Follow(after, fact => Facts.Writer.WriteAsync(fact).AsTask(), failure => Facts.Writer.TryComplete(failure));

    protected async Task<IReadOnlyList<LoggedFact>> NextAsync(int count)
    {
        var facts = new List<LoggedFact>();
        using var deadline = new CancellationTokenSource(Patience);
        while (facts.Count < count)
        {
            facts.Add(await Facts.Reader.ReadAsync(deadline.Token));
        }

        return facts;
    }

    protected Task WriteAsync(string key, params object[] events) =>
        JournalFacts.WriteAsync(System, ConversationActor.PersistenceIdOf(new ConversationKey(key)), events);

    protected static MessageSeen Told(string body) => Seen("agent-1", body, told: true);

    private static MessageSeen Seen(string sender, string body, bool? told) =>
        new(Guid.NewGuid().ToString(), sender, sender.StartsWith("agent", StringComparison.Ordinal) ? MemberRole.Agent : MemberRole.Customer, body, BodyType.Standard, At, Told: told);

    private static string Describe(LoggedFact fact) => $"{fact.Key.Value}:{fact.Fact switch
    {
        MessageSeen seen => seen.Body,
        var other => other.GetType().Name,
    }}";
}
