using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Actors.Persistence;
using GuestChat.Client.Models;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GuestChat.Actors.Tests.Persistence;

/// <summary>The journal as the service wires it: a real SQLite file, written by one actor system and read by the next.</summary>
public sealed class JournalWiringTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"guestchat-journal-{Guid.NewGuid():N}");

    [Fact]
    public async Task Facts_written_to_a_sqlite_journal_come_back_in_order_in_the_next_process_through_their_own_serializer()
    {
        var file = Path.Combine(_folder, "nested", "guestchat.db");
        var settings = new JournalSettings { Provider = PersistenceProvider.Sqlite, ConnectionString = $"Data Source={file}", JwtKey = SecretProtector.NewKey() };
        var at = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        IConversationFact[] facts =
        [
            new ChatCreated("c-1", "m-1", SecretProtector.FromBase64(settings.JwtKey!).Protect("header.payload.signature"), "wss://example/chat/jwt/x", at),
            new MessageSeen("msg-1", "agent-1", MemberRole.Agent, "Hello", BodyType.Standard, at),
            new ChatEnded(ConversationEndReason.GuestLeft, null, at),
        ];

        using (var first = await StartAsync(settings))
        {
            var recorder = first.Services.GetRequiredService<ActorSystem>().ActorOf(Props.Create(() => new FactWriter("wiring-1")));
            Assert.Empty(await recorder.Ask<IReadOnlyList<IConversationFact>>(FactWriter.Recovered.Instance, Patience));
            await recorder.Ask<Akka.Done>(new FactWriter.Write(facts), Patience);
            await first.StopAsync();
        }

        using (var second = await StartAsync(settings))
        {
            var recorder = second.Services.GetRequiredService<ActorSystem>().ActorOf(Props.Create(() => new FactWriter("wiring-1")));
            var recovered = await recorder.Ask<IReadOnlyList<IConversationFact>>(FactWriter.Recovered.Instance, Patience);
            Assert.Equal(facts, recovered);
            await second.StopAsync();
        }

        // The rows carry the facts' own manifests and serializer, and no JWT in the clear.
        var rows = await ReadJournalAsync(file);

        Assert.Equal(["chat-created.v1", "message-seen.v2", "chat-ended.v1"], rows.Select(r => r.Manifest));
        Assert.All(rows, r => Assert.Equal(ConversationFactSerializer.Id, r.Identifier));
        Assert.DoesNotContain(rows, r => System.Text.Encoding.UTF8.GetString(r.Payload).Contains("payload", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_authenticated_guests_member_auth_token_is_journaled_only_encrypted()
    {
        const string token = "signed-data-token-that-must-stay-secret";
        var file = Path.Combine(_folder, "auth.db");
        var settings = new JournalSettings { Provider = PersistenceProvider.Sqlite, ConnectionString = $"Data Source={file}", JwtKey = SecretProtector.NewKey() };
        await using var emulator = await GuestChat.Emulator.GuestChatEmulator.StartAsync(GuestChat.Emulator.Options.EmulatorOptions.Quick());
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddGuestChat(new GuestChat.Client.GuestChatClientOptions { Environment = GuestChat.Client.GuestChatEnvironment.FromBaseUrl(emulator.BaseUrl) }, journal: settings);
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var conversations = host.Services.GetRequiredService<GuestChatConversations>();
            var request = ChatRequests.To() with { MemberAuthToken = token };
            try
            {
                await conversations.StartAsync(new ConversationKey("authenticated-1"), request);
            }
            catch (ConversationRejectedException)
            {
                // Whether Genesys takes this token does not matter here: the request was journaled first.
            }

            await host.StopAsync();
        }

        var rows = await ReadJournalAsync(file);
        var requested = Assert.Single(rows, r => r.Manifest == "chat-requested.v1");
        Assert.DoesNotContain(token, System.Text.Encoding.UTF8.GetString(requested.Payload), StringComparison.Ordinal);
        Assert.Contains("\"memberAuthToken\":\"v1.", System.Text.Encoding.UTF8.GetString(requested.Payload), StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_provider_without_a_jwt_key_or_postgresql_without_a_connection_string_is_refused_naming_the_setting()
    {
        Assert.Contains(new JournalSettings { Provider = PersistenceProvider.Sqlite }.Problems(), p => p.StartsWith("Persistence:JwtKey is required", StringComparison.Ordinal));
        Assert.Contains(new JournalSettings { Provider = PersistenceProvider.Sqlite, JwtKey = "c2hvcnQ=" }.Problems(), p => p.Contains("32 bytes", StringComparison.Ordinal));
        Assert.Contains(new JournalSettings { Provider = PersistenceProvider.PostgreSql, JwtKey = SecretProtector.NewKey() }.Problems(), p => p.StartsWith("Persistence:ConnectionString is required", StringComparison.Ordinal));
        Assert.Empty(new JournalSettings().Problems());
        Assert.Equal("Data Source=data/guestchat.db", new JournalSettings { Provider = PersistenceProvider.Sqlite }.EffectiveConnectionString);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static async Task<List<(string Manifest, long Identifier, byte[] Payload)>> ReadJournalAsync(string file)
    {
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT manifest, identifier, message FROM journal ORDER BY ordering";
        var rows = new List<(string Manifest, long Identifier, byte[] Payload)>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1), (byte[])reader[2]));
        }

        return rows;
    }

    private static async Task<IHost> StartAsync(JournalSettings settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("journal-wiring", akka => akka.WithConversationPersistence(settings));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
