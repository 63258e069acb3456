using System.Net.Http.Json;
using Akka;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Actors.Persistence;
using GuestChat.Client;
using GuestChat.Client.Models;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Actors.Tests.Persistence;

/// <summary>Conversations on a SQLite journal: a service that stops and starts again resumes every live chat, against the real emulator.</summary>
public sealed class SqliteDurableConversationTests : DurableConversationTests
{
    protected override Task<JournalSettings> JournalAsync(string folder) => TestJournals.SqliteAsync(folder);
}

/// <summary>The same on PostgreSQL 15 (Debian's package, started by scripts/postgres.sh), a database per test.</summary>
public sealed class PostgreSqlDurableConversationTests(PostgresFixture postgres) : DurableConversationTests, IClassFixture<PostgresFixture>
{
    protected override Task<JournalSettings> JournalAsync(string folder) => TestJournals.PostgreSqlAsync(postgres.Server);
}

/// <summary>What a service on a durable journal promises across a restart, whatever the database.</summary>
public abstract class DurableConversationTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"guestchat-durable-{Guid.NewGuid():N}");
    private GuestChatEmulator _emulator = null!;
    private HttpClient _control = null!;
    private JournalSettings _journal = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _journal = await JournalAsync(_folder);
        _emulator = await GuestChatEmulator.StartAsync(EmulatorOptions.Quick());
        _control = new HttpClient { BaseAddress = _emulator.BaseUrl };
    }

    /// <summary>The journal the test's services share (a database of the test's own).</summary>
    protected abstract Task<JournalSettings> JournalAsync(string folder);

    public async Task DisposeAsync()
    {
        _control.Dispose();
        await _emulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Npgsql.NpgsqlConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(GuestApi.GuestChat)]
    [InlineData(GuestApi.WebMessaging)]
    public async Task A_live_chat_resumes_after_the_service_stops_with_what_was_said_meanwhile_once_and_nothing_sent_twice(GuestApi api)
    {
        var key = new ConversationKey("durable-1");
        string conversationId;
        string atGenesysId;
        MessageAccepted firstAccepted;
        using (var first = await StartServiceAsync(api: api))
        {
            var conversations = first.Services.GetRequiredService<GuestChatConversations>();
            conversationId = (await conversations.StartAsync(key, ChatRequests.To(EmulatorDefaults.QueueName, "Durable Guest"))).ConversationId;
            if (api == GuestApi.GuestChat)
            {
                // On Web Messaging no agent is known before it speaks: the guest speaks first there.
                await Eventually.TrueAsync(async () => (await conversations.GetStatusAsync(key)).State == ConversationState.Active, "the chat active", Patience);
            }

            firstAccepted = await conversations.SendMessageAsync(key, "before the restart", clientMessageId: "b-1");
            await Eventually.TrueAsync(async () => (await conversations.GetTranscriptAsync(key)).Lines.Any(l => l.SenderRole == MemberRole.Agent), "the agent's echo", Patience);
            await Eventually.TrueAsync(async () => (await conversations.GetStatusAsync(key)).State == ConversationState.Active, "the chat active", Patience);
            await first.StopAsync();
        }

        // While the service is away, the agent speaks. (A Web Messaging guest never learns the chat's id at Genesys: here it is the only chat.)
        atGenesysId = api == GuestApi.GuestChat ? conversationId : Assert.Single(_emulator.Conversations()).Id;
        (await _control.PostAsJsonAsync($"/emulator/conversations/{atGenesysId}/agent/messages", new { body = "said while you were away" })).EnsureSuccessStatusCode();

        using var second = await StartServiceAsync(api: api);
        var resumed = second.Services.GetRequiredService<GuestChatConversations>();
        await Eventually.TrueAsync(async () => (await resumed.ListAsync()).Conversations.Any(c => c.Key == key), "the chat back in the service", Patience);
        await Eventually.TrueAsync(async () => (await resumed.GetStatusAsync(key)).State == ConversationState.Active, "the chat active again", Patience);
        await Eventually.TrueAsync(async () => (await resumed.GetTranscriptAsync(key)).Lines.Any(l => l.Body == "said while you were away"), "the message said meanwhile backfilled", Patience);

        var status = await resumed.GetStatusAsync(key);
        Assert.Equal(conversationId, status.ConversationId);

        // A caller that repeats a send accepted before the restart gets the same answer, and nothing is posted.
        var repeated = await resumed.SendMessageAsync(key, "before the restart", clientMessageId: "b-1");
        Assert.Equal(firstAccepted.MessageId, repeated.MessageId);
        var accepted = await resumed.SendMessageAsync(key, "after the restart", clientMessageId: "a-1");

        var transcript = await resumed.GetTranscriptAsync(key);
        Assert.Single(transcript.Lines, l => l.Body == "said while you were away");
        Assert.Single(transcript.Lines, l => l.Body == "before the restart" && l.SenderRole == MemberRole.Customer);
        Assert.Contains(transcript.Lines, l => l.MessageId == accepted.MessageId);
        var atGenesys = _emulator.Conversation(atGenesysId)!.Transcript!;
        Assert.Single(atGenesys, e => e.Body == "before the restart" && e.SenderRole == MemberRole.Customer);
        Assert.Single(atGenesys, e => e.Body == "after the restart" && e.SenderRole == MemberRole.Customer);
        Assert.Single(_emulator.Conversations());
        Assert.Equal(2, _emulator.Counters[GuestChat.Emulator.Control.EmulatorCounter.SocketsOpened]);
        Assert.InRange(await JournalDatabase.BytesAsync(_journal, CancellationToken.None) ?? 0, 1, 100 * 1024 * 1024);
        await second.StopAsync();
    }

    [Fact]
    public async Task A_long_chat_recovers_from_its_snapshot_with_its_transcript_numbers_and_answers_as_they_were()
    {
        var key = new ConversationKey("durable-long");
        var settings = new ConversationSettings { SnapshotEvery = 10 };
        ConversationQueries.Transcript before;
        IReadOnlyList<MessageReceived> toldBefore;
        MessageAccepted firstAccepted;
        int sent;
        using (var first = await StartServiceAsync(settings))
        {
            var conversations = first.Services.GetRequiredService<GuestChatConversations>();
            await conversations.StartAsync(key, ChatRequests.To(EmulatorDefaults.QueueName, "Long Guest"));
            await Eventually.TrueAsync(async () => (await conversations.GetStatusAsync(key)).State == ConversationState.Active, "the chat active", Patience);
            firstAccepted = await conversations.SendMessageAsync(key, "message 1", clientMessageId: "long-1");
            for (sent = 2; sent <= 12; sent++)
            {
                await conversations.SendMessageAsync(key, $"message {sent}", clientMessageId: $"long-{sent}");
            }

            // A snapshot every 10 facts, one at a time: while one is saved the facts go on, so on a busy machine
            // the one kept can trail the chat. The guest goes on talking until one taken after 40 facts is kept.
            sent--;
            while (await ScalarAsync($"SELECT COALESCE(MAX(sequence_number), 0) FROM snapshot WHERE persistence_id = '{ConversationActor.PersistenceIdOf(key)}'", snapshots: true) < 40 && sent < 40)
            {
                sent++;
                await conversations.SendMessageAsync(key, $"message {sent}", clientMessageId: $"long-{sent}");
                await Eventually.TrueAsync(async () => (await conversations.GetTranscriptAsync(key)).Lines.Count(l => l.SenderRole == MemberRole.Agent && l.BodyType == BodyType.Standard) == sent, $"echo {sent}", Patience);
            }

            await Eventually.TrueAsync(async () => (await conversations.GetTranscriptAsync(key)).Lines.Count(l => l.SenderRole == MemberRole.Agent && l.BodyType == BodyType.Standard) == sent, $"the agent's {sent} echoes", Patience);
            before = await conversations.GetTranscriptAsync(key);
            toldBefore = (await conversations.GetMessagesSinceAsync(key, 0)).Messages;

            // The older snapshots are deleted once the newer is saved, which takes its own write; and the last
            // echo's fact may still be on its way when the transcript shows it (and may take one more snapshot).
            // So: one snapshot kept, with nothing written to the journal for half a second.
            var persistenceId = ConversationActor.PersistenceIdOf(key);
            (long Newest, DateTime Since)? quiet = null;
            await Eventually.TrueAsync(async () =>
            {
                var newest = await ScalarAsync($"SELECT COALESCE(MAX(sequence_number), 0) FROM journal WHERE persistence_id = '{persistenceId}'");
                quiet = quiet is { } was && was.Newest == newest ? was : (newest, DateTime.UtcNow);
                return DateTime.UtcNow - quiet.Value.Since >= TimeSpan.FromMilliseconds(500) && await SnapshotCountAsync(persistenceId) == 1;
            }, "the journal quiet with one snapshot kept", Patience);
            await first.StopAsync();
        }

        // One snapshot kept, and the facts it covers taken away but the messages (the transcript is read from
        // the journal): the chat, its JWT and its sends' answers only the snapshot can bring back.
        var snapshotAt = await SnapshotSequenceAsync(ConversationActor.PersistenceIdOf(key));
        Assert.True(snapshotAt >= 40, $"a snapshot after 40 facts or more (at {snapshotAt})");
        await ExecuteAsync($"DELETE FROM journal WHERE persistence_id = '{ConversationActor.PersistenceIdOf(key)}' AND sequence_number <= {snapshotAt} AND manifest NOT LIKE 'message-seen.%'");

        using var second = await StartServiceAsync(settings);
        var resumed = second.Services.GetRequiredService<GuestChatConversations>();
        await Eventually.TrueAsync(async () => (await resumed.ListAsync()).Conversations.Any(c => c.Key == key), "the chat back in the service", Patience);
        await Eventually.TrueAsync(async () => (await resumed.GetStatusAsync(key)).State == ConversationState.Active, "the chat active again", Patience);

        var after = await resumed.GetTranscriptAsync(key);
        Assert.Equal(before.Lines.Select(l => l.MessageId), after.Lines.Select(l => l.MessageId));
        Assert.Equal(toldBefore.Select(m => (m.MessageId, m.Sequence)), (await resumed.GetMessagesSinceAsync(key, 0)).Messages.Select(m => (m.MessageId, m.Sequence)));
        Assert.Equal(firstAccepted.MessageId, (await resumed.SendMessageAsync(key, "message 1", clientMessageId: "long-1")).MessageId);
        await resumed.SendMessageAsync(key, $"message {sent + 1}", clientMessageId: $"long-{sent + 1}");
        await Eventually.TrueAsync(async () => (await resumed.GetTranscriptAsync(key)).Lines.Count(l => l.SenderRole == MemberRole.Agent && l.BodyType == BodyType.Standard) == sent + 1, "one more echo", Patience);
        await second.StopAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_chat_that_ended_while_the_service_was_down_ends_with_the_side_that_ended_it_after_its_last_messages(bool agentEnded)
    {
        // A grace window short enough to run out while the service is down (and long enough for a loaded
        // machine to open the chat's socket before it does: at 1 s, CI once saw the chat abandoned at its start).
        await _emulator.DisposeAsync();
        var options = EmulatorOptions.Quick();
        options.Timing.GraceWindow = TimeSpan.FromSeconds(3);
        _emulator = await GuestChatEmulator.StartAsync(options);
        _control.Dispose();
        _control = new HttpClient { BaseAddress = _emulator.BaseUrl };

        var key = new ConversationKey(agentEnded ? "durable-agent-ended" : "durable-abandoned");
        string conversationId;
        using (var first = await StartServiceAsync())
        {
            var conversations = first.Services.GetRequiredService<GuestChatConversations>();
            conversationId = (await conversations.StartAsync(key, ChatRequests.To(EmulatorDefaults.QueueName, "Away Guest"))).ConversationId;
            await Eventually.TrueAsync(async () => (await conversations.GetStatusAsync(key)).State == ConversationState.Active, "the chat active", Patience);
            await first.StopAsync();
        }

        (await _control.PostAsJsonAsync($"/emulator/conversations/{conversationId}/agent/messages", new { body = "last words" })).EnsureSuccessStatusCode();
        if (agentEnded)
        {
            (await _control.PostAsync($"/emulator/conversations/{conversationId}/agent/end", null)).EnsureSuccessStatusCode();
        }

        await Eventually.TrueAsync(() => Task.FromResult(_emulator.Conversation(conversationId)!.Phase == GuestChat.Emulator.Chat.ChatPhase.Ended), "the chat ended at Genesys", Patience);

        using var second = await StartServiceAsync();
        var resumed = second.Services.GetRequiredService<GuestChatConversations>();
        await Eventually.TrueAsync(async () => (await resumed.ListAsync()).Conversations.Any(c => c.Key == key && c.State == ConversationState.Ended), "the chat ended in the service", Patience);

        var status = await resumed.GetStatusAsync(key);
        Assert.Equal(agentEnded ? ConversationEndReason.AgentEnded : ConversationEndReason.Abandoned, status.EndReason);
        Assert.Single((await resumed.GetTranscriptAsync(key)).Lines, l => l.Body == "last words");
        Assert.Single((await resumed.GetMessagesSinceAsync(key, 0)).Messages, m => m.Body == "last words");
        await second.StopAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_send_cut_short_by_a_crash_is_looked_for_before_it_is_sent_again_so_the_agent_sees_it_exactly_once(bool reachedGenesys)
    {
        // A chat that was live, and a send journaled as intended whose outcome was never written.
        using var client = new GuestChatClient(new GuestChatClientOptions { Environment = GuestChatEnvironment.FromBaseUrl(_emulator.BaseUrl) });
        var created = (await client.CreateConversationAsync(ChatRequests.To(EmulatorDefaults.SilentQueueName, "Crashed Guest"), CancellationToken.None)).Succeeded("creating the chat");
        var jwt = new GuestChat.Client.Authentication.GuestJwt(created.Jwt!);
        using (var socket = new System.Net.WebSockets.ClientWebSocket())
        {
            await socket.ConnectAsync(new Uri(created.EventStreamUri!), CancellationToken.None);
            await Eventually.TrueAsync(() => _emulator.Conversation(created.Id!)!.Phase == GuestChat.Emulator.Chat.ChatPhase.Active, "the chat routed", Patience);
            if (reachedGenesys)
            {
                Assert.True((await client.SendMessageAsync(jwt, created.Id!, created.Member!.Id!, new CreateWebChatMessageRequest { Body = "in flight" }, CancellationToken.None)).IsSuccess);
            }
        }

        var key = new ConversationKey("crashed-1");
        var now = DateTimeOffset.UtcNow;
        using (var writer = await StartJournalOnlyAsync())
        {
            var system = writer.Services.GetRequiredService<ActorSystem>();
            await JournalFacts.WriteAsync(system, ConversationActor.PersistenceIdOf(key),
                new ChatRequested(ChatRequests.To(EmulatorDefaults.SilentQueueName, "Crashed Guest"), now),
                new ChatCreated(created.Id!, created.Member!.Id!, SecretProtector.FromBase64(_journal.JwtKey!).Protect(created.Jwt!), created.EventStreamUri!, now),
                new SendIntended(1, "in flight", BodyType.Standard, "c-1", now.AddSeconds(-1)));
            await JournalFacts.WriteAsync(system, ConversationManager.RegistryPersistenceId, new ConversationOpened(key.Value, now));
            await writer.StopAsync();
        }

        using var service = await StartServiceAsync();
        var conversations = service.Services.GetRequiredService<GuestChatConversations>();
        await Eventually.TrueAsync(async () => (await conversations.ListAsync()).Conversations.Any(c => c.Key == key), "the crashed chat back", Patience);
        await Eventually.TrueAsync(async () => (await conversations.GetTranscriptAsync(key)).Lines.Any(l => l.Body == "in flight"), "the send settled", Patience);
        await conversations.SendMessageAsync(key, "next", clientMessageId: "c-2");

        var atGenesys = _emulator.Conversation(created.Id!)!.Transcript!;
        Assert.Single(atGenesys, e => e.Body == "in flight");
        Assert.Single(atGenesys, e => e.Body == "next");
        Assert.True(atGenesys.ToList().FindIndex(e => e.Body == "in flight") < atGenesys.ToList().FindIndex(e => e.Body == "next"), "the resumed send went before the next one");
        await service.StopAsync();
    }

    private async Task<IHost> StartServiceAsync(ConversationSettings? settings = null, GuestApi api = GuestApi.GuestChat)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddGuestChat(new GuestChatClientOptions { Environment = GuestChatEnvironment.FromBaseUrl(_emulator.BaseUrl), Api = api }, settings, journal: _journal);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The sequence number of the newest snapshot of a persistence id, after checking there is only one.</summary>
    private async Task<long> SnapshotSequenceAsync(string persistenceId)
    {
        await using var connection = Connect(snapshots: true);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*), MAX(sequence_number) FROM snapshot WHERE persistence_id = '{persistenceId}'";
        await using var rows = await command.ExecuteReaderAsync();
        Assert.True(await rows.ReadAsync());
        Assert.Equal(1, Convert.ToInt64(rows.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        return Convert.ToInt64(rows.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task<long> SnapshotCountAsync(string persistenceId) =>
        ScalarAsync($"SELECT COUNT(*) FROM snapshot WHERE persistence_id = '{persistenceId}'", snapshots: true);

    private async Task<long> ScalarAsync(string sql, bool snapshots = false)
    {
        await using var connection = Connect(snapshots);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = Connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private System.Data.Common.DbConnection Connect(bool snapshots = false) => _journal.Provider == PersistenceProvider.Sqlite
        ? new SqliteConnection(snapshots ? _journal.SnapshotConnectionString : _journal.ConnectionString)
        : new Npgsql.NpgsqlConnection(_journal.ConnectionString);

    private async Task<IHost> StartJournalOnlyAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("journal-writer", akka => akka.WithConversationPersistence(_journal));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
