using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Persistence.Journal;
using GuestChat.Actors.Persistence;
using GuestChat.Client.Models;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GuestChat.Actors.Tests.Persistence;

/// <summary>
/// The service's own write path into the SQLite journal (<see cref="SqliteWriteJournal"/>): what many
/// conversations write at once comes back whole and in order in the next process, in the rows
/// Akka.Persistence.Sql writes and reads; a write that cannot be serialized is refused alone; tagged
/// events and deletions still work through Akka.Persistence.Sql's own paths.
/// </summary>
public sealed class SqliteWriteJournalTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset At = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"guestchat-sqlite-journal-{Guid.NewGuid():N}");
    private JournalSettings _settings = null!;

    public async Task InitializeAsync() => _settings = await TestJournals.SqliteAsync(_folder);

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task What_forty_conversations_write_at_once_comes_back_whole_and_in_order_in_the_next_process()
    {
        const int writers = 40, batches = 5, perBatch = 4;
        var written = Enumerable.Range(0, writers).ToDictionary(w => $"chat-{w}", w => Enumerable.Range(0, batches * perBatch).Select(i => Message($"{w}-{i}")).ToList());
        using (var host = await StartAsync())
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            await Task.WhenAll(written.Select(async pair =>
            {
                var writer = system.ActorOf(Props.Create(() => new FactWriter(pair.Key)));
                var sent = pair.Value.Chunk(perBatch).Select(batch => writer.Ask<Akka.Done>(new FactWriter.Write([.. batch]), Patience)).ToList();
                await Task.WhenAll(sent);
            }));
            await host.StopAsync();
        }

        using (var host = await StartAsync())
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            foreach (var (persistenceId, facts) in written)
            {
                var reader = system.ActorOf(Props.Create(() => new FactWriter(persistenceId)));
                Assert.Equal(facts, await reader.Ask<IReadOnlyList<IConversationFact>>(FactWriter.Recovered.Instance, Patience));
            }

            await host.StopAsync();
        }

        // Akka.Persistence.Sql's rows: not deleted, the facts' serializer, the writer's id, a creation time in ticks; numbered in the order each chat wrote.
        var rows = await RowsAsync();
        Assert.Equal(writers * batches * perBatch, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.False(row.Deleted);
            Assert.Equal(ConversationFactSerializer.Id, row.Identifier);
            Assert.Equal("message-seen.v2", row.Manifest);
            Assert.Equal(32, row.WriterUuid?.Length);
            Assert.InRange(new DateTime(row.Created, DateTimeKind.Utc), DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow);
        });
        Assert.All(rows.GroupBy(row => row.PersistenceId), chat => Assert.Equal(Enumerable.Range(1, batches * perBatch).Select(n => (long)n), chat.OrderBy(row => row.Ordering).Select(row => row.SequenceNr)));
    }

    [Fact]
    public async Task A_write_that_cannot_be_serialized_is_refused_alone_and_its_writer_goes_on()
    {
        using var host = await StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var writer = system.ActorOf(Props.Create(() => new FactWriter("refused")));
        var other = system.ActorOf(Props.Create(() => new FactWriter("beside")));

        var refused = writer.Ask<Akka.Done>(new FactWriter.Write([Message("before"), new Unwritable()]), Patience);
        var beside = other.Ask<Akka.Done>(new FactWriter.Write([Message("beside")]), Patience);
        await Task.WhenAll(refused, beside);
        await writer.Ask<Akka.Done>(new FactWriter.Write([Message("after")]), Patience);
        await host.StopAsync();

        using var next = await StartAsync();
        var nextSystem = next.Services.GetRequiredService<ActorSystem>();
        Assert.Equal([Message("after")], await nextSystem.ActorOf(Props.Create(() => new FactWriter("refused"))).Ask<IReadOnlyList<IConversationFact>>(FactWriter.Recovered.Instance, Patience));
        Assert.Equal([Message("beside")], await nextSystem.ActorOf(Props.Create(() => new FactWriter("beside"))).Ask<IReadOnlyList<IConversationFact>>(FactWriter.Recovered.Instance, Patience));
        await next.StopAsync();
    }

    [Fact]
    public async Task A_transaction_sqlite_refuses_is_written_not_at_all_and_the_journal_goes_on_with_the_next()
    {
        using var host = await StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var writer = system.ActorOf(Props.Create(() => new FactWriter("taken")));
        await writer.Ask<IReadOnlyList<IConversationFact>>(FactWriter.Recovered.Instance, Patience);

        // Another writer took number 2 after this one recovered: its batch of two breaks the journal's key at its second row.
        await using (var connection = new SqliteConnection(_settings.EffectiveConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) VALUES (0, 0, 'taken', 2, x'00', 'elsewhere', 0, 'other')";
            await insert.ExecuteNonQueryAsync();
        }

        writer.Tell(new FactWriter.Write([Message("1"), Message("2")]));
        await writer.WatchAsync(new CancellationTokenSource(Patience).Token); // a journal failure stops its writer

        await JournalFacts.WriteAsync(system, "next", Message("3"));
        await host.StopAsync();

        var rows = await RowsAsync();
        Assert.Equal([("taken", 2L, "elsewhere"), ("next", 1L, "message-seen.v2")], rows.Select(r => (r.PersistenceId, r.SequenceNr, r.Manifest)));
    }

    [Fact]
    public async Task A_write_while_another_connection_holds_the_write_lock_waits_for_it_and_lands()
    {
        using var host = await StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        await JournalFacts.WriteAsync(system, "first", Message("0")); // the journal's writer is open

        await using var other = new SqliteConnection(_settings.EffectiveConnectionString);
        await other.OpenAsync();
        await using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        var written = JournalFacts.WriteAsync(system, "waiting", Message("1"));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(written.IsCompleted);
        await using (var commit = other.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync();
        }

        await written.WaitAsync(Patience);
        await host.StopAsync();
        Assert.Contains(await RowsAsync(), row => row.PersistenceId == "waiting" && row.SequenceNr == 1);
    }

    [Fact]
    public async Task Tagged_events_keep_their_tags_and_deleted_events_stay_deleted()
    {
        using (var host = await StartAsync())
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            await JournalFacts.WriteAsync(system, "tagged", Message("1"), new Tagged(Message("2"), ["told"]), Message("3"), Message("4"));
            var writer = system.ActorOf(Props.Create(() => new FactWriter("tagged")));
            Assert.IsType<DeleteMessagesSuccess>(await writer.Ask<object>(new FactWriter.Delete(2), Patience));
            await host.StopAsync();
        }

        using (var host = await StartAsync())
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            Assert.Equal([Message("3"), Message("4")], await system.ActorOf(Props.Create(() => new FactWriter("tagged"))).Ask<IReadOnlyList<IConversationFact>>(FactWriter.Recovered.Instance, Patience));
            await JournalFacts.WriteAsync(system, "tagged-again", new Tagged(Message("5"), ["told"]));
            await host.StopAsync();
        }

        // The new tagged event has its tag row (Akka.Persistence.Sql's own write path); of the deleted ones, only the newest row stays, marked deleted.
        await using var connection = new SqliteConnection(_settings.EffectiveConnectionString);
        await connection.OpenAsync();
        await using var tags = connection.CreateCommand();
        tags.CommandText = "SELECT t.persistence_id || ':' || t.sequence_nr FROM tags t JOIN journal j ON j.ordering = t.ordering_id WHERE t.tag = 'told' AND NOT j.deleted";
        Assert.Equal("tagged-again:1", await tags.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_writer_hears_of_its_events_and_its_deferred_steps_in_the_order_it_asked_even_with_one_refused_among_them()
    {
        using var host = await StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var writer = system.ActorOf(Props.Create(() => new OrderedWriter("ordered")));

        var heard = await writer.Ask<IReadOnlyList<string>>(OrderedWriter.Go.Instance, Patience);

        Assert.Equal(["written msg-1", "deferred 1", "refused Unwritable", "written msg-2", "written msg-3", "deferred 2"], heard);
        await host.StopAsync();
    }

    private static MessageSeen Message(string id) => new($"msg-{id}", "agent-1", MemberRole.Agent, $"Hello {id}", BodyType.Standard, At);

    [Theory]
    [InlineData(SqliteSynchronous.Normal)]
    [InlineData(SqliteSynchronous.Full)]
    public async Task What_is_written_reaches_the_database_file_itself_soon_after_without_waiting_for_the_log_to_fill(SqliteSynchronous synchronous)
    {
        // The writer leaves the write-ahead log to WalCheckpointer: a few writes, far from the 1,000 pages at which
        // SQLite would copy the log back on the writer's own commit, are in the file within moments.
        _settings = _settings with { SqliteSynchronous = synchronous };
        using var host = await StartAsync();
        var writer = host.Services.GetRequiredService<ActorSystem>().ActorOf(Props.Create(() => new FactWriter("checkpointed")));
        await writer.Ask<Akka.Done>(new FactWriter.Write([.. Enumerable.Range(0, 20).Select(i => Message($"m-{i}"))]), Patience);

        var file = new SqliteConnectionStringBuilder(_settings.EffectiveConnectionString).DataSource;
        var copy = Path.Combine(_folder, "file-alone.db");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        long inFile;
        do
        {
            await Task.Delay(100);

            // The database file without its log: what a checkpoint has copied into it.
            File.Copy(file, copy, overwrite: true);
            await using var connection = new SqliteConnection($"Data Source={copy};Pooling=false");
            await connection.OpenAsync();
            await using var count = connection.CreateCommand();
            try
            {
                count.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'journal'";
                if ((long)(await count.ExecuteScalarAsync())! == 0)
                {
                    // Not even the table is in the file yet.
                    inFile = 0;
                    continue;
                }

                count.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id = 'checkpointed'";
                inFile = (long)(await count.ExecuteScalarAsync())!;
            }
            catch (SqliteException torn) when (torn.SqliteErrorCode is 11 or 26)
            {
                // Copied while a checkpoint was writing into the file (SQLITE_CORRUPT, SQLITE_NOTADB): copy it again.
                inFile = 0;
            }
        }
        while (inFile < 20 && DateTime.UtcNow < deadline);

        Assert.Equal(20, inFile);
        Assert.Equal(20, (await RowsAsync()).Count);
        await host.StopAsync();
    }

    private async Task<IHost> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("sqlite-journal", akka => akka.WithConversationPersistence(_settings));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private async Task<List<(long Ordering, string PersistenceId, long SequenceNr, bool Deleted, long Identifier, string Manifest, string? WriterUuid, long Created)>> RowsAsync()
    {
        await using var connection = new SqliteConnection(_settings.EffectiveConnectionString);
        await connection.OpenAsync();
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT ordering, persistence_id, sequence_number, deleted, identifier, manifest, writer_uuid, created FROM journal ORDER BY ordering";
        await using var reader = await query.ExecuteReaderAsync();
        var rows = new List<(long, string, long, bool, long, string, string?, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetBoolean(3), reader.GetInt64(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetInt64(7)));
        }

        return rows;
    }

    /// <summary>Persists, defers, persists one that is refused, persists two at once, defers; says in which order it heard back.</summary>
    private sealed class OrderedWriter(string persistenceId) : UntypedPersistentActor
    {
        private readonly List<string> _heard = [];

        public override string PersistenceId { get; } = persistenceId;

        protected override void OnRecover(object message)
        {
        }

        protected override void OnCommand(object message)
        {
            var asker = Sender;
            Persist(Message("1"), Written);
            DeferAsync("1", step => _heard.Add($"deferred {step}"));
            Persist(new Unwritable(), Written);
            PersistAll([Message("2"), Message("3")], Written);
            DeferAsync("2", step =>
            {
                _heard.Add($"deferred {step}");
                asker.Tell((IReadOnlyList<string>)[.. _heard]);
            });
        }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr) => _heard.Add($"refused {@event.GetType().Name}");

        private void Written(object written) => _heard.Add($"written {((MessageSeen)written).MessageId}");

        public sealed record Go
        {
            public static Go Instance { get; } = new();
        }
    }

    /// <summary>An event no serializer can write (its JSON serializer meets an exception reading it).</summary>
    private sealed class Unwritable
    {
        public string Value => throw new InvalidOperationException("cannot be read");
    }
}
