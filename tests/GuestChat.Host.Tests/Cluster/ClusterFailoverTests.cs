using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using GuestChat.Client.Models;
using GuestChat.Emulator;
using GuestChat.Host.Amqp;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace GuestChat.Host.Tests.Cluster;

/// <summary>
/// Three real <c>serve</c> processes in one cluster over loopback, sharing a PostgreSQL journal (both
/// started by <c>scripts/cluster.sh</c>), with the queue surface on a throw-away RabbitMQ, against an
/// emulator in a process of its own. Chats are created, driven and read through any node, over HTTP or
/// the queue; a node is killed, or every node restarted in turn, and nothing a user sent or was sent is
/// lost or doubled.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class ClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private EmulatorProcess _emulator = null!;
    private ScriptedBroker _broker = null!;
    private LocalCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorProcess.StartAsync(["--Emulator:Timing:AgentAlertDelay=00:00:00.100", "--Emulator:Timing:AgentAnswerDelay=00:00:00.100"], TimeSpan.FromSeconds(60));
        _broker = await ScriptedBroker.StartAsync();
        _cluster = await LocalCluster.StartAsync(_emulator.BaseUrl, nodes: 3, _broker.Uri);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _broker.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Commands_from_the_queue_reach_chats_on_every_node_and_the_exchange_has_every_message_across_a_killed_node()
    {
        const int Chats = 60;
        var keys = Enumerable.Range(1, Chats).Select(i => $"queued-{i}").ToList();
        var http = _cluster.Client(2);
        await using var connection = await new ConnectionFactory { Uri = _broker.Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await Eventually.TrueAsync(() => AmqpTopology.DeclaredAsync(connection, new AmqpOptions()), "the topology declared");
        var events = (await channel.QueueDeclareAsync($"test-events-{Guid.NewGuid():N}", durable: false, exclusive: false, autoDelete: false)).QueueName;
        await channel.QueueBindAsync(events, "guestchat.events", "chat.message");

        async Task PublishAsync(string type, string key, string messageId, string body) =>
            await QueueCommand.PublishAsync(channel, new AmqpOptions().CommandQueue, type, key, messageId, body);

        Task SayAsync(string word) => Task.WhenAll(keys.Select(key => PublishAsync("chat.send", key, $"{key}/{word}", $$"""{"body":"{{key}} {{word}}"}""")));

        foreach (var key in keys)
        {
            await PublishAsync("chat.start", key, $"start-{key}", """{"memberInfo":{"displayName":"Queue Guest"}}""");
        }

        await ForEachAsync(keys, (key, _) => ChatStates.WaitForAsync(http, key, "Active", Patience));
        Assert.True(await _cluster.ChatsOnAsync(1) > 0 && await _cluster.ChatsOnAsync(3) > 0, "chats on every node");
        await SayAsync("one");

        // Node 1 is the cluster's oldest: it holds the queue's active consumer or the event outbox, or both.
        await SayAsync("two");
        await _cluster.KillAsync(1);
        await WaitAllActiveAsync(http, Chats, "every chat Active again after the kill");
        await SayAsync("three");

        // Every command once at Genesys, in the order queued, whichever node took it.
        var agentIds = new HashSet<string>();
        await ForEachAsync(keys, async (key, _) =>
        {
            await Eventually.TrueAsync(async () =>
            {
                var mine = (await TranscriptAtGenesysAsync(http, key)).Where(e => e.SenderRole == MemberRole.Customer && e.BodyType == BodyType.Standard).Select(e => e.Body).ToList();
                Assert.Equal(mine.Distinct().Count(), mine.Count);
                return mine.Count == 3;
            }, $"three messages of {key} at Genesys", Patience);
            var atGenesys = await TranscriptAtGenesysAsync(http, key);
            Assert.Equal([$"{key} one", $"{key} two", $"{key} three"], atGenesys.Where(e => e.SenderRole == MemberRole.Customer && e.BodyType == BodyType.Standard).Select(e => e.Body));
            lock (agentIds)
            {
                agentIds.UnionWith(atGenesys.Where(e => e.SenderRole == MemberRole.Agent && e.BodyType == BodyType.Standard).Select(e => e.Id!));
            }
        });

        // Every agent message on the exchange, the killed node's chats' included: repeats at most, never a gap.
        var published = new List<string>();
        await Eventually.TrueAsync(async () =>
        {
            while (await channel.BasicGetAsync(events, autoAck: true) is { } message)
            {
                published.Add(JsonNode.Parse(Encoding.UTF8.GetString(message.Body.Span))!["messageId"]!.GetValue<string>());
            }

            return agentIds.IsSubsetOf(published);
        }, "every agent message on the event exchange", Patience);
        output.WriteLine($"{agentIds.Count} agent messages, {published.Count - published.Distinct().Count()} published again after the kill");
    }

    [Fact]
    public async Task A_killed_node_s_chats_resume_on_the_others_within_30_s_and_nothing_is_lost_or_sent_twice()
    {
        const int Chats = 300;
        var keys = Enumerable.Range(1, Chats).Select(i => $"failover-{i}").ToList();
        var http = new[] { _cluster.Client(1), _cluster.Client(2), _cluster.Client(3) };
        HttpClient Via(int chat, int shift = 0) => http[(chat + shift) % 3];

        // Each chat started through one node and spoken to through the next: commands cross nodes.
        await ForEachAsync(keys, async (key, i) =>
        {
            await CreateAsync(Via(i), key);
            await ChatStates.WaitForAsync(Via(i), key, "Active", Patience);
            await SendAsync(Via(i, 1), key, "one", expect: HttpStatusCode.Created);
        });

        var onNode1 = await _cluster.ChatsOnAsync(1);
        Assert.True(onNode1 > 0 && await _cluster.ChatsOnAsync(2) > 0 && await _cluster.ChatsOnAsync(3) > 0, $"chats on every node (node 1: {onNode1})");
        var nodeOf = new Dictionary<string, string>();
        foreach (var key in keys)
        {
            nodeOf[key] = (await http[1].GetFromJsonAsync<JsonObject>($"/chats/{key}"))!["node"]!.GetValue<string>();
        }

        var node1 = $"akka.tcp://guestchat@127.0.0.1:{_cluster.RemotingPortOf(1)}";
        Assert.Equal(onNode1, nodeOf.Values.Count(n => n == node1));

        // Readers held through node 3: the stream of every chat, and the streams of a few chats that live on node 1.
        using var everyChat = await Serve.ServiceFixture.OpenEventsAsync(http[2], "/events");
        var moving = keys.Where(k => nodeOf[k] == node1).Take(5).ToList();
        var readers = new Dictionary<string, Serve.ServiceFixture.EventReader>();
        foreach (var key in moving)
        {
            readers[key] = await Serve.ServiceFixture.OpenEventsAsync(http[2], $"/chats/{key}/events");
        }

        // Sends in flight through nodes 2 and 3 when node 1 dies: each may or may not reach Genesys, or get no answer.
        var inFlight = keys.Select((key, i) => SendAsync(http[1 + i % 2], key, "two", expect: null)).ToList();
        await Task.Delay(15);
        var killedAt = Stopwatch.StartNew();
        await _cluster.KillAsync(1);

        // Every chat Active again, as node 2 lists them.
        await WaitAllActiveAsync(http[1], Chats, "every chat Active again after the kill");

        var backIn = killedAt.Elapsed;
        output.WriteLine($"{onNode1} of {Chats} chats lived on the killed node; every chat was Active again {backIn.TotalSeconds:F1} s after the kill.");
        Assert.True(backIn < TimeSpan.FromSeconds(30), $"every chat Active again {backIn.TotalSeconds:F1} s after the kill");
        foreach (var key in moving)
        {
            Assert.NotEqual(node1, (await http[1].GetFromJsonAsync<JsonObject>($"/chats/{key}"))!["node"]!.GetValue<string>());
        }

        // Each node's /metrics counts its own chats: summed over the two that are left, every chat once.
        var counted = 0;
        foreach (var node in new[] { http[1], http[2] })
        {
            var line = (await node.GetStringAsync("/metrics")).Split('\n').Single(l => l.StartsWith("guestchat_chats{state=\"Active\"}", StringComparison.Ordinal));
            counted += (int)double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.Equal(Chats, counted);

        // A send that got no answer is repeated with its client message id, as a client would: posted once either way.
        await Task.WhenAll(inFlight);
        await ForEachAsync(keys, (key, i) => SendAsync(http[1 + i % 2], key, "two", expect: HttpStatusCode.Created));
        await ForEachAsync(keys, (key, i) => SendAsync(http[1 + (i + 1) % 2], key, "three", expect: HttpStatusCode.Created));

        var saidSince = new HashSet<string>();
        await ForEachAsync(keys, async (key, _) =>
        {
            var atGenesys = await TranscriptAtGenesysAsync(http[1], key);
            var mine = atGenesys.Where(e => e.SenderRole == MemberRole.Customer && e.BodyType == BodyType.Standard).Select(e => e.Body).ToList();
            Assert.Equal([$"{key} one", $"{key} two", $"{key} three"], mine);

            // Every agent message once in the service's transcript, read through a node that never held the chat or did.
            var agentIds = atGenesys.Where(e => e.SenderRole == MemberRole.Agent && e.BodyType == BodyType.Standard).Select(e => e.Id!).ToList();
            await Eventually.TrueAsync(async () =>
            {
                var lines = (await http[2].GetFromJsonAsync<JsonObject>($"/chats/{key}"))!["transcript"]!.AsArray().Select(l => l!["messageId"]!.GetValue<string>()).ToList();
                return agentIds.All(id => lines.Count(l => l == id) == 1) && lines.Count == lines.Distinct().Count();
            }, $"every agent message of {key} once in the service", Patience);
            lock (saidSince)
            {
                saidSince.UnionWith(atGenesys.Where(e => e.SenderRole == MemberRole.Agent && e.BodyType == BodyType.Standard
                    && (e.Body!.EndsWith(" two", StringComparison.Ordinal) || e.Body.EndsWith(" three", StringComparison.Ordinal))).Select(e => e.Id!));
            }
        });

        // The reader of every chat, on a node that stayed, heard every answer once, wherever its chat lived.
        var heard = new List<JsonObject>();
        try
        {
            await Eventually.TrueAsync(() =>
            {
                heard.AddRange(everyChat.Drain("message"));
                return saidSince.IsSubsetOf(heard.Select(m => m["messageId"]!.GetValue<string>()));
            }, "every answer at the reader of every chat", Patience);
        }
        catch (TimeoutException e)
        {
            var missing = saidSince.Except(heard.Select(m => m["messageId"]!.GetValue<string>())).Count();
            throw new TimeoutException($"{e.Message} ({missing} of {saidSince.Count} missing; {heard.Count} heard). The end of node 3's log:\n{_cluster.LogOf(3, 60)}", e);
        }
        var heardIds = heard.Select(m => m["messageId"]!.GetValue<string>()).ToList();
        Assert.Equal(heardIds.Count, heardIds.Distinct().Count());

        // A chat's reader saw its stream end when the chat moved; reconnecting with its last id, it missed nothing and got nothing twice.
        foreach (var (key, reader) in readers)
        {
            await reader.Completion.WaitAsync(Patience);
            var received = reader.Drain("message");
            using var again = await Serve.ServiceFixture.OpenEventsAsync(http[2], $"/chats/{key}/events", reader.LastId ?? 0);
            var agentIds = (await TranscriptAtGenesysAsync(http[1], key)).Where(e => e.SenderRole == MemberRole.Agent && e.BodyType == BodyType.Standard).Select(e => e.Id!).ToHashSet();
            await Eventually.TrueAsync(() =>
            {
                received.AddRange(again.Drain("message"));
                return agentIds.Where(id => saidSince.Contains(id)).All(id => received.Any(m => m["messageId"]!.GetValue<string>() == id));
            }, $"every answer of {key} at its reader", Patience);
            var ids = received.Select(m => m["messageId"]!.GetValue<string>()).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            reader.Dispose();
        }
    }

    [Fact]
    public async Task A_rolling_restart_of_every_node_under_traffic_loses_nothing_and_sends_nothing_twice()
    {
        const int Chats = 150;
        var keys = Enumerable.Range(1, Chats).Select(i => $"rolling-{i}").ToList();
        var http = new[] { _cluster.Client(1), _cluster.Client(2), _cluster.Client(3) };
        var up = new[] { true, true, true };
        await ForEachAsync(keys, async (key, i) =>
        {
            await CreateAsync(http[i % 3], key);
            await ChatStates.WaitForAsync(http[i % 3], key, "Active", Patience);
        });

        // Each chat says m1, m2, ... every 2 s through whichever node is up, repeating a send that got no
        // good answer (its node went away) with the same client message id through another, as a client would.
        using var stop = new CancellationTokenSource();
        var sent = keys.ToDictionary(k => k, _ => new List<string>());
        var retries = 0;
        var traffic = keys.Select((key, i) => Task.Run(async () =>
        {
            for (var n = 1; !stop.IsCancellationRequested; n++)
            {
                var word = $"m{n}";
                for (var attempt = 0; ; attempt++)
                {
                    var node = Enumerable.Range(0, 3).Select(o => (i + n + attempt + o) % 3).First(o => Volatile.Read(ref up[o]));
                    try
                    {
                        using var answer = await http[node].PostAsync($"/chats/{key}/messages", Json($$"""{"body":"{{key}} {{word}}","clientMessageId":"{{key}}/{{word}}"}"""));
                        if (answer.StatusCode == HttpStatusCode.Created)
                        {
                            break;
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                    }

                    Interlocked.Increment(ref retries);
                    Assert.True(attempt < 60, $"{key} {word} was never accepted");
                    await Task.Delay(500);
                }

                sent[key].Add($"{key} {word}");
                await Task.Delay(2000);
            }
        })).ToList();

        for (var node = 1; node <= 3; node++)
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            Volatile.Write(ref up[node - 1], false);
            var leaving = Stopwatch.StartNew();
            await _cluster.LeaveAsync(node);
            output.WriteLine($"node {node} left in {leaving.Elapsed.TotalSeconds:F1} s");
            await _cluster.StartNodeAsync(node);
            Volatile.Write(ref up[node - 1], true);
            await WaitAllActiveAsync(http[node % 3], Chats, $"every chat Active after node {node} came back");
            output.WriteLine($"node {node} back, every chat Active {leaving.Elapsed.TotalSeconds:F1} s after it began to leave");
        }

        await stop.CancelAsync();
        await Task.WhenAll(traffic);
        output.WriteLine($"{sent.Values.Sum(s => s.Count)} messages sent, {retries} sends repeated through another node");

        await ForEachAsync(keys, async (key, _) =>
        {
            // Every message once at Genesys, in the order sent.
            var atGenesys = await TranscriptAtGenesysAsync(http[0], key);
            var mine = atGenesys.Where(e => e.SenderRole == MemberRole.Customer && e.BodyType == BodyType.Standard).Select(e => e.Body).ToList();
            Assert.Equal(sent[key], mine);

            // Every agent message once in the service's transcript.
            var agentIds = atGenesys.Where(e => e.SenderRole == MemberRole.Agent && e.BodyType == BodyType.Standard).Select(e => e.Id!).ToList();
            await Eventually.TrueAsync(async () =>
            {
                // The transcript is read back from the journal, which three nodes, PostgreSQL and the emulator on two
                // cores can keep busy past a read's patience: 504 (no answer in time) is the API's "ask again".
                using var answer = await http[1].GetAsync($"/chats/{key}");
                if (answer.StatusCode == HttpStatusCode.GatewayTimeout)
                {
                    return false;
                }

                answer.EnsureSuccessStatusCode();
                var lines = (await answer.Content.ReadFromJsonAsync<JsonObject>())!["transcript"]!.AsArray().Select(l => l!["messageId"]!.GetValue<string>()).ToList();
                return agentIds.All(id => lines.Count(l => l == id) == 1) && lines.Count == lines.Distinct().Count();
            }, $"every agent message of {key} once in the service", Patience);
        });
    }

    /// <summary>Waits until <paramref name="http"/>'s node lists <paramref name="chats"/> chats, all Active; says which are not and what the nodes logged when they are not in time.</summary>
    private async Task WaitAllActiveAsync(HttpClient http, int chats, string what)
    {
        var last = "";
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                var list = (await http.GetFromJsonAsync<JsonObject>("/chats"))!;
                last = string.Join(", ", list["chats"]!.AsArray().Where(c => c!["state"]!.GetValue<string>() != "Active").Take(10).Select(c => c!.ToJsonString()))
                    + $" (total {list["total"]}, by state {list["byState"]!.ToJsonString()})";
                return list["total"]!.GetValue<int>() == chats && list["byState"]!["Active"]?.GetValue<int>() == chats;
            }, what, Patience);
        }
        catch (TimeoutException e)
        {
            var logs = string.Join("\n", Enumerable.Range(1, 3).Select(n => $"--- node {n}:\n{string.Join("\n", _cluster.LogOf(n, 400).Split('\n').Where(l => l.Contains(" WRN ", StringComparison.Ordinal) || l.Contains(" ERR ", StringComparison.Ordinal)).TakeLast(15))}"));
            throw new TimeoutException($"{e.Message}: not Active: {last}\n{logs}", e);
        }
    }

    private async Task<IReadOnlyList<GuestChat.Emulator.Control.TranscriptEntry>> TranscriptAtGenesysAsync(HttpClient http, string key)
    {
        var conversationId = (await http.GetFromJsonAsync<JsonObject>($"/chats/{key}"))!["conversationId"]!.GetValue<string>();
        return (await _emulator.ConversationAsync(conversationId, CancellationToken.None))!.Transcript!;
    }

    private static async Task CreateAsync(HttpClient http, string key)
    {
        using var created = await http.PostAsync("/chats", Json(new JsonObject { ["key"] = key, ["memberInfo"] = new JsonObject { ["displayName"] = $"Guest {key}" } }.ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    /// <summary>Sends "<paramref name="key"/> <paramref name="word"/>" with the client message id <c>key/word</c>; checks the answer when told what to expect.</summary>
    private static async Task SendAsync(HttpClient http, string key, string word, HttpStatusCode? expect)
    {
        try
        {
            using var sent = await http.PostAsync($"/chats/{key}/messages", Json($$"""{"body":"{{key}} {{word}}","clientMessageId":"{{key}}/{{word}}"}"""));
            if (expect is { } status)
            {
                Assert.True(sent.StatusCode == status, $"{key} {word}: {(int)sent.StatusCode} {await sent.Content.ReadAsStringAsync()}");
            }
        }
        catch (Exception e) when (expect is null && e is HttpRequestException or TaskCanceledException)
        {
            // In flight when its node died: no answer is an answer too.
        }
    }

    private static async Task ForEachAsync(IReadOnlyList<string> keys, Func<string, int, Task> action)
    {
        using var gate = new SemaphoreSlim(50);
        await Task.WhenAll(keys.Select(async (key, i) =>
        {
            await gate.WaitAsync();
            try
            {
                await action(key, i);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}

/// <summary>The cluster tests run one at a time: each starts three nodes, PostgreSQL and an emulator on a 2-core machine.</summary>
[CollectionDefinition(nameof(ClusterCollection), DisableParallelization = true)]
public sealed class ClusterCollection;
