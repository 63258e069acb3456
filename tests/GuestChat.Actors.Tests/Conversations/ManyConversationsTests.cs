using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.EventStreams;
using GuestChat.Actors.Tests.Support;
using GuestChat.Client;
using GuestChat.Client.Http;
using GuestChat.Client.Models;
using GuestChat.Emulator;
using GuestChat.Emulator.Control;
using GuestChat.Emulator.Options;
using Xunit.Abstractions;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Actors.Tests.Conversations;

/// <summary>
/// Many chats at once through their whole life against the emulator, calm and under chaos, asserted
/// from the emulator's own transcripts: every agent message reached the subscriber exactly once and
/// in order, no guest message was posted twice, every chat ended with the right reason.
/// </summary>
public sealed class ManyConversationsTests(ITestOutputHelper output) : TestKit("akka.loglevel = WARNING")
{
    private const int Chats = 200;
    private const int MessagesPerChat = 3;

    [Fact]
    public async Task Two_hundred_chats_at_once_go_through_their_whole_life()
    {
        await using var emulator = await GuestChatEmulator.StartAsync(EmulatorOptions(heartbeat: TimeSpan.FromSeconds(30)));
        var counters = await RunAsync(emulator, new ConversationSettings(), new RetryOptions(), new RateLimitOptions { RequestsPerSecond = 0 });
        Assert.Equal(Chats, counters[EmulatorCounter.ChatsEndedByGuest]);
    }

    [Fact]
    public async Task Two_hundred_chats_survive_the_chaos_profile_without_losing_or_repeating_a_message()
    {
        var options = EmulatorOptions(heartbeat: TimeSpan.FromSeconds(1));
        options.Faults = new FaultOptions { Profile = FaultProfiles.Chaos };
        await using var emulator = await GuestChatEmulator.StartAsync(options);
        var settings = new ConversationSettings
        {
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        };
        var retry = new RetryOptions { MaxAttempts = 12, BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(1), MaxElapsed = TimeSpan.FromSeconds(90) };
        var limiter = new RateLimitOptions { RequestsPerSecond = 400, Burst = 100, MinimumRequestsPerSecond = 50, RecoveryShare = 0.1 };

        var counters = await RunAsync(emulator, settings, retry, limiter);

        output.WriteLine(string.Join(", ", emulator.Counters.Snapshot().Where(c => c.Key.StartsWith("fault", StringComparison.Ordinal)).Select(c => $"{c.Key}={c.Value}")));
        Assert.True(counters[EmulatorCounter.FaultSocketsDropped] > 0, "no socket was dropped");
        Assert.True(counters[EmulatorCounter.FaultThrottled] > 0, "no request was throttled");
        Assert.True(counters[EmulatorCounter.FaultServiceUnavailable] + counters[EmulatorCounter.FaultBadGateway] + counters[EmulatorCounter.FaultGatewayTimeout] + counters[EmulatorCounter.FaultGatewayTimeoutAfterApply] > 0, "no 5xx was injected");
        Assert.True(counters[EmulatorCounter.FaultHeartbeatsWithheld] > 0, "no heartbeat was withheld");
        Assert.Equal(Chats, counters[EmulatorCounter.ChatsEndedByGuest]);
    }

    private async Task<EmulatorCounters> RunAsync(GuestChatEmulator emulator, ConversationSettings settings, RetryOptions retry, RateLimitOptions limiter)
    {
        using var client = new GuestChatClient(new GuestChatClientOptions { Environment = GuestChatEnvironment.FromBaseUrl(emulator.BaseUrl), Retry = retry, RateLimit = limiter });
        var manager = Sys.ActorOf(ConversationManager.Props(client, settings, new EventStreamFactory()), "conversations");
        var events = new ConcurrentDictionary<ConversationKey, ConcurrentQueue<object>>();
        manager.Tell(new SubscribeAll(Sys.ActorOf(Props.Create(() => new EventRecorder(events)))));

        var chats = await Task.WhenAll(Enumerable.Range(0, Chats).Select(i => DriveAsync(manager, events, new ConversationKey($"chat-{i}"))));

        foreach (var (key, conversationId) in chats)
        {
            var transcript = emulator.Conversation(conversationId)!.Transcript!;
            var agentMessages = transcript.Where(e => e.SenderRole == MemberRole.Agent && e.BodyType == BodyType.Standard).Select(e => e.Id).ToList();
            var delivered = events[key].OfType<MessageReceived>().Select(m => m.MessageId).ToList();
            Assert.Equal(agentMessages, delivered);
            var guestBodies = transcript.Where(e => e.SenderRole == MemberRole.Customer && e.BodyType == BodyType.Standard).Select(e => e.Body).ToList();
            Assert.Equal(Enumerable.Range(1, MessagesPerChat).Select(n => $"{key} says {n}"), guestBodies);
            Assert.Equal(ConversationEndReason.GuestLeft, Assert.Single(events[key].OfType<Ended>()).Reason);
            Assert.Equal(Emulator.Chat.ChatEndReason.GuestLeft, emulator.Conversation(conversationId)!.EndReason);
        }

        return emulator.Counters;
    }

    private static async Task<(ConversationKey Key, string ConversationId)> DriveAsync(IActorRef manager, ConcurrentDictionary<ConversationKey, ConcurrentQueue<object>> events, ConversationKey key)
    {
        var patience = TimeSpan.FromSeconds(120);
        var started = await manager.Ask<Started>(new Start(key, ChatRequests.To("Many", "Many Guest")), patience);
        for (var n = 1; n <= MessagesPerChat; n++)
        {
            var answer = await manager.Ask<object>(new SendMessage(key, $"{key} says {n}"), patience);
            Assert.True(answer is MessageAccepted, $"{key} message {n}: {answer}");
            var wanted = n;
            await Until(() => events.TryGetValue(key, out var e) && e.OfType<MessageReceived>().Count() >= wanted, patience, $"{key}: reply {n}");
        }

        manager.Tell(new End(key));
        await Until(() => events[key].OfType<Ended>().Any(), patience, $"{key}: end",
            () => string.Join(" | ", events[key].Select(e => e.GetType().Name + (e is StateChanged s ? ":" + s.State : ""))));
        return (key, started.ConversationId);
    }

    private static async Task Until(Func<bool> condition, TimeSpan patience, string what, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + patience;
        string Describe() => describe?.Invoke() ?? "";
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No {what} within {patience}; {Describe()}");
            }

            await Task.Delay(20);
        }
    }

    private static EmulatorOptions EmulatorOptions(TimeSpan heartbeat)
    {
        var options = GuestChat.Emulator.Options.EmulatorOptions.Quick();
        options.Queues = [new QueueOptions { Name = "Many", Agent = new AgentBehaviourOptions { Names = ["Agent A", "Agent B"], ThinkTime = TimeSpan.FromMilliseconds(20), TypingTime = TimeSpan.FromMilliseconds(20) } }];
        options.Timing.HeartbeatInterval = heartbeat;
        return options;
    }
}
