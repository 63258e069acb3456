using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Client;
using GuestChat.Client.Http;
using GuestChat.Client.Models;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.Conversations.ConversationQueries;

namespace GuestChat.Actors.Tests.Hosting;

/// <summary>The production wiring: a host built with AddGuestChat drives chats against the emulator through the manager.</summary>
public sealed class GuestChatHostingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_host_with_AddGuestChat_runs_chats_through_the_manager_and_lists_and_reports_them()
    {
        await using var emulator = await GuestChatEmulator.StartAsync(EmulatorOptions.Quick());
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddGuestChat(new GuestChatClientOptions
        {
            Environment = GuestChatEnvironment.FromBaseUrl(emulator.BaseUrl),
            RateLimit = new RateLimitOptions { RequestsPerSecond = 0 },
        }, new ConversationSettings { EndedRetention = TimeSpan.FromSeconds(1) });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var manager = await host.Services.GetRequiredService<IRequiredActor<ConversationManager>>().GetAsync();
            var key = new ConversationKey("hosted-1");
            var request = ChatRequests.To(EmulatorDefaults.SilentQueueName, "Hosted");
            var system = host.Services.GetRequiredService<ActorSystem>();
            var inbox = Inbox.Create(system);
            manager.Tell(new SubscribeAll(inbox.Receiver));

            var started = await manager.Ask<Started>(new Start(key, request), Patience);
            var accepted = await manager.Ask<MessageAccepted>(new SendMessage(key, "through the manager"), Patience);
            Assert.Contains(emulator.Conversation(started.ConversationId)!.Transcript!, e => e.Id == accepted.MessageId);

            var unknown = await manager.Ask<CommandRejected>(new SendMessage(new ConversationKey("nobody"), "x"), Patience);
            Assert.Equal(RejectionKind.UnknownKey, unknown.Kind);

            manager.Tell(new End(key), inbox.Receiver);
            Ended? ended = null;
            var deadline = DateTime.UtcNow + Patience;
            while (ended is null && DateTime.UtcNow < deadline)
            {
                if (await inbox.ReceiveAsync(Patience) is Ended e)
                {
                    ended = e;
                }
            }

            Assert.Equal(ConversationEndReason.GuestLeft, ended!.Reason);
            var list = await manager.Ask<ConversationList>(new ListConversations(), Patience);
            Assert.Equal(new ConversationSummary(key, ConversationState.Ended, ConversationEndReason.GuestLeft), list.Conversations.Single());

            // Past its retention the ended chat is gone and its key opens a new chat.
            var listed = list;
            try
            {
                await Eventually.TrueAsync(async () => (listed = await manager.Ask<ConversationList>(new ListConversations(), Patience)).Conversations.Count == 0, "the ended chat gone after its retention", Patience);
            }
            catch (TimeoutException e)
            {
                // Once seen under a loaded CI run and not since: say what was still listed, and whether its actor still lives.
                var alive = await system.ActorSelection(manager.Path / key.Value).ResolveOne(TimeSpan.FromSeconds(3)).ContinueWith(t => t.IsCompletedSuccessfully);
                throw new TimeoutException($"{e.Message} Still listed: {string.Join("; ", listed.Conversations)}; its actor {(alive ? "still lives" : "is gone")}.", e);
            }
            var again = await manager.Ask<Started>(new Start(key, request), Patience);
            Assert.NotEqual(started.ConversationId, again.ConversationId);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_scheduler_wakes_every_50_ms_unless_the_application_sets_its_own_tick()
    {
        // Akka's own 10 ms tick costs an idle service 3 % of a core; an application that wants it back can have it.
        Assert.Equal(TimeSpan.FromMilliseconds(50), await TickOf(configureAkka: null));
        Assert.Equal(TimeSpan.FromMilliseconds(10), await TickOf(akka => akka.AddHocon("akka.scheduler.tick-duration = 10ms", HoconAddMode.Prepend)));
        Assert.Equal(TimeSpan.FromMilliseconds(20), await TickOf(akka => akka.AddHocon("akka.scheduler.tick-duration = 20ms", HoconAddMode.Append)));

        static async Task<TimeSpan> TickOf(Action<AkkaConfigurationBuilder>? configureAkka)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddGuestChat(new GuestChatClientOptions { Environment = GuestChatEnvironment.Parse("mypurecloud.com") }, configureAkka: configureAkka);
            using var host = builder.Build();
            await host.StartAsync();
            try
            {
                return host.Services.GetRequiredService<ActorSystem>().Settings.Config.GetTimeSpan("akka.scheduler.tick-duration");
            }
            finally
            {
                await host.StopAsync();
            }
        }
    }

    [Fact]
    public async Task The_facade_starts_sends_subscribes_ends_and_turns_refusals_into_exceptions()
    {
        await using var running = await RunningHost.StartAsync();
        var (emulator, host) = (running.Emulator, running.Host);
        var conversations = host.Services.GetRequiredService<GuestChatConversations>();
        var key = new ConversationKey("facade-1");
        var ended = new TaskCompletionSource<Ended>(TaskCreationOptions.RunContinuationsAsynchronously);
        var request = ChatRequests.To(EmulatorDefaults.QueueName, "Facade");

        var started = await conversations.StartAsync(key, request);
        using var subscription = await conversations.SubscribeAsync(key, e =>
        {
            if (e is Ended end)
            {
                ended.TrySetResult(end);
            }
        });
        var accepted = await conversations.SendMessageAsync(key, "via the facade", clientMessageId: "f-1");
        Assert.Equal("f-1", accepted.ClientMessageId);
        var refused = await Assert.ThrowsAsync<ConversationRejectedException>(() => conversations.SendMessageAsync(key, new string('x', 4001)));
        Assert.Equal(RejectionKind.Invalid, refused.Rejection.Kind);
        Assert.Equal("body", refused.Rejection.Field);
        Assert.Null(refused.Error);

        // Typing and ending are answered too: ending completes once the chat is over.
        Assert.IsType<SendTyping>((await conversations.SendTypingAsync(key)).Command);
        await conversations.EndAsync(key);
        Assert.Equal(ConversationState.Ended, (await conversations.GetStatusAsync(key)).State);
        Assert.Equal(ConversationEndReason.GuestLeft, (await ended.Task.WaitAsync(Patience)).Reason);
        Assert.Contains((await conversations.GetTranscriptAsync(key)).Lines, l => l.MessageId == accepted.MessageId);
        Assert.Equal(GuestChat.Emulator.Chat.ChatEndReason.GuestLeft, emulator.Conversation(started.ConversationId)!.EndReason);
        await Assert.ThrowsAsync<ConversationRejectedException>(() => conversations.GetStatusAsync(new ConversationKey("nobody")));
    }

    [Fact]
    public async Task Starts_beyond_MaxConversations_are_rejected_at_capacity_and_a_taken_key_as_existing()
    {
        await using var running = await RunningHost.StartAsync(settings: new ConversationSettings { MaxConversations = 1 });
        var (emulator, host) = (running.Emulator, running.Host);
        var conversations = host.Services.GetRequiredService<GuestChatConversations>();
        var request = ChatRequests.To(EmulatorDefaults.SilentQueueName, "Capacity");
        await conversations.StartAsync(new ConversationKey("only"), request);

        var full = await Assert.ThrowsAsync<ConversationRejectedException>(() => conversations.StartAsync(new ConversationKey("one-too-many"), request));
        Assert.Equal(RejectionKind.AtCapacity, full.Rejection.Kind);
        var taken = await Assert.ThrowsAsync<ConversationRejectedException>(() => conversations.StartAsync(new ConversationKey("only"), request));
        Assert.Equal(RejectionKind.AlreadyExists, taken.Rejection.Kind);
        Assert.Single(emulator.Conversations());
    }

    [Fact]
    public async Task A_command_that_gets_no_answer_in_time_is_a_rejection_the_caller_can_report_not_a_crash()
    {
        // Every request to the API takes 2 s, and the caller waits 300 ms.
        await using var running = await RunningHost.StartAsync();
        var (emulator, host) = (running.Emulator, running.Host);
        emulator.Faults = new FaultOptions { LatencyMin = TimeSpan.FromSeconds(2), LatencyMax = TimeSpan.FromSeconds(2) }.Resolve();
        var impatient = new GuestChatConversations(host.Services.GetRequiredService<ActorSystem>(), host.Services.GetRequiredService<IRequiredActor<ConversationManager>>(),
            host.Services.GetRequiredService<IRequiredActor<GuestChat.Actors.Cluster.ConversationDirectory>>())
        {
            AskTimeout = TimeSpan.FromMilliseconds(300),
        };
        var key = new ConversationKey("slow-1");

        var slow = await Assert.ThrowsAsync<ConversationRejectedException>(() => impatient.StartAsync(key, ChatRequests.To(EmulatorDefaults.SilentQueueName, "Slow")));

        Assert.Equal(RejectionKind.Unanswered, slow.Rejection.Kind);
        Assert.Equal(key, slow.Rejection.Key);
        Assert.Contains("No answer within", slow.Message, StringComparison.Ordinal);

        // The conversation itself carried on: a patient caller sees it created.
        var patient = host.Services.GetRequiredService<GuestChatConversations>();
        await Eventually.TrueAsync(async () => (await patient.GetStatusAsync(key)).ConversationId is not null, "the chat created for the patient caller", Patience);
    }

    [Fact]
    public async Task A_command_told_without_a_sender_is_carried_out_and_its_answer_is_not_a_dead_letter()
    {
        await using var running = await RunningHost.StartAsync();
        var (emulator, host) = (running.Emulator, running.Host);
        var system = host.Services.GetRequiredService<ActorSystem>();
        var conversations = host.Services.GetRequiredService<GuestChatConversations>();
        var deadLetters = new List<object>();
        var listener = system.ActorOf(Props.Create(() => new DeadLetterListener(deadLetters)));
        system.EventStream.Subscribe(listener, typeof(DeadLetter));
        var key = new ConversationKey("told-1");
        var started = await conversations.StartAsync(key, ChatRequests.To(EmulatorDefaults.SilentQueueName, "Told"));

        await conversations.TellAsync(new SendTyping(key));
        await conversations.TellAsync(new SendMessage(key, new string('x', 4001)));
        await conversations.TellAsync(new End(key));

        await Eventually.TrueAsync(async () => (await conversations.GetStatusAsync(key)).State == ConversationState.Ended, "the told chat ended", Patience);

        Assert.Equal(GuestChat.Emulator.Chat.ChatEndReason.GuestLeft, emulator.Conversation(started.ConversationId)!.EndReason);
        // Every answer was sent before the chat was Ended; a marker dead-lettered now arrives after any of them.
        system.DeadLetters.Tell("marker");
        await Eventually.TrueAsync(() => { lock (deadLetters) { return deadLetters.Contains("marker"); } }, "the marker dead letter", Patience);
        lock (deadLetters)
        {
            Assert.DoesNotContain(deadLetters, d => d is CommandAccepted or CommandRejected);
        }
    }

    /// <summary>A quick emulator and a started host with AddGuestChat pointed at it; disposing stops both.</summary>
    private sealed class RunningHost : IAsyncDisposable
    {
        private RunningHost(GuestChatEmulator emulator, IHost host) => (Emulator, Host) = (emulator, host);

        public GuestChatEmulator Emulator { get; }

        public IHost Host { get; }

        public static async Task<RunningHost> StartAsync(ConversationSettings? settings = null)
        {
            var emulator = await GuestChatEmulator.StartAsync(EmulatorOptions.Quick());
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
            builder.Services.AddGuestChat(new GuestChatClientOptions { Environment = GuestChatEnvironment.FromBaseUrl(emulator.BaseUrl) }, settings);
            var host = builder.Build();
            await host.StartAsync();
            return new RunningHost(emulator, host);
        }

        public async ValueTask DisposeAsync()
        {
            await Host.StopAsync();
            Host.Dispose();
            await Emulator.DisposeAsync();
        }
    }

    private sealed class DeadLetterListener : ReceiveActor
    {
        public DeadLetterListener(List<object> seen) => Receive<DeadLetter>(d =>
        {
            lock (seen)
            {
                seen.Add(d.Message);
            }
        });
    }
}
