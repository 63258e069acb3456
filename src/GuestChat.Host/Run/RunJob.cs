using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Hosting;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Client;
using GuestChat.Client.Http;
using GuestChat.Client.Models;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;
using GuestChat.Host.Amqp;
using Microsoft.Extensions.Options;

namespace GuestChat.Host.Run;

/// <summary>
/// The <c>run</c> verb: opens N chats through the production wiring (AddGuestChat and the
/// conversations facade), drives a scripted guest in each, shows progress, and reports, checking what
/// was lost or duplicated against the emulator's own transcripts when the emulator is embedded.
/// </summary>
internal sealed class RunJob(RunOptions options, TextWriter progress)
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(60);
    private readonly RunStats _stats = new();
    private readonly ConcurrentDictionary<ConversationKey, ChatRun> _runs = new();
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private readonly ConcurrentBag<double> _replyLatencies = [];
    private readonly ConcurrentBag<double> _setupTimes = [];
    private long _missingReplies;

    public async Task<RunReport> ExecuteAsync(CancellationToken cancellationToken)
    {
        var scenario = Scenario.Load(options.ScenarioPath);
        var wall = Stopwatch.StartNew();
        // A target that is itself an emulator (started on its own) is checked against as the embedded one is.
        await using var emulator = options.Target is null ? await StartEmulatorAsync()
            : Uri.TryCreate(options.Target, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? await EmulatorControlClient.TryConnectAsync(url, cancellationToken)
            : null;
        var environment = options.Target is null ? GuestChatEnvironment.FromBaseUrl(emulator!.BaseUrl) : GuestChatEnvironment.Parse(options.Target);
        var chatDefaults = new EmulatorChatDefaults(
            options.Organization ?? emulator?.ChatDefaults.OrganizationId ?? throw new ArgumentException($"--organization is required with --target {options.Target} (only an emulator has ids of its own)."),
            options.Deployment ?? emulator?.ChatDefaults.DeploymentId ?? throw new ArgumentException($"--deployment is required with --target {options.Target} (only an emulator has ids of its own)."),
            options.Queue ?? scenario.Queue ?? emulator?.ChatDefaults.Queue ?? throw new ArgumentException($"--queue is required with --target {options.Target} when the scenario names no queue."));
        var against = emulator is null ? environment.ToString()
            : options.Target is not null ? $"the emulator at {environment}"
            : $"the embedded emulator {(options.EmulatorInOwnProcess ? "in its own process" : "in-process")} at {environment} (faults: {options.Faults})";
        await using var broker = options.Via == "amqp" && options.AmqpUri is null ? await ScriptedBroker.StartAsync(progress, cancellationToken) : null;
        var amqp = options.Via == "amqp" ? new AmqpOptions { Uri = options.AmqpUri ?? broker!.Uri.ToString() } : null;
        progress.WriteLine($"Running {options.Chats} chats x {options.Messages} messages against {against}{(amqp is null ? "" : $", through the broker at {amqp.Where}")}");

        using var host = BuildHost(environment, scenario, amqp, chatDefaults);
        var runStartedAt = DateTimeOffset.UtcNow;
        await host.StartAsync(cancellationToken);
        try
        {
            var conversations = host.Services.GetRequiredService<GuestChatConversations>();
            await using IChatDriver driver = amqp is null ? new DirectDriver(conversations) : new AmqpDriver(amqp);
            await driver.SubscribeAsync(e => _runs.GetValueOrDefault(e.Key)?.On(e), cancellationToken);
            var memory = new MemorySampler(() => _stats.Started - _stats.Ended - _stats.Failed);
            var requests = new RequestSampler(host.Services.GetRequiredService<GuestChatClient>().Counters);
            using var progressTimer = new Timer(_ => { memory.Sample(); requests.Sample(); progress.WriteLine(ProgressLine(wall.Elapsed)); }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

            using var thinking = new ThinkClock(cancellationToken);
            var drivers = new List<Task>(options.Chats);
            var ramp = Stopwatch.StartNew();
            for (var i = 0; i < options.Chats; i++)
            {
                // Paced by the stopwatch, waiting on the think clock's tick: the chats whose time has come start
                // together on each tick, instead of a timer each (at 200 a second, 200 wakes of the timer thread).
                if (options.Ramp > 0 && TimeSpan.FromSeconds(i / options.Ramp) - ramp.Elapsed is { Ticks: > 0 } wait)
                {
                    await thinking.Delay((int)Math.Ceiling(wait.TotalMilliseconds));
                }

                drivers.Add(DriveAsync(driver, conversations, scenario, chatDefaults, thinking, i, cancellationToken));
            }

            await Task.WhenAll(drivers);
            memory.Sample();
            progress.WriteLine(ProgressLine(wall.Elapsed));
            var (lost, duplicated) = emulator is null ? ((long?)null, (long?)null) : await CheckAgainstAsync(emulator, runStartedAt, cancellationToken);
            return RunReport.From(options, _stats, _failures, _replyLatencies, _setupTimes, _missingReplies, lost, duplicated, memory, requests, _runs.Values.Sum(r => r.Reconnects), wall.Elapsed);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private async Task<IRunningEmulator> StartEmulatorAsync()
    {
        // Chats stay at the emulator long enough for their transcripts to be checked at the end; the
        // caller's own --Emulator:... settings come last, so they win.
        string[] settings = [$"--Emulator:Faults:Profile={options.Faults}", "--Emulator:Timing:GraceWindow=00:10:00", .. options.EmulatorSettings];
        return options.EmulatorInOwnProcess
            ? await EmulatorProcess.StartAsync(settings, TimeSpan.FromSeconds(60))
            : await GuestChatEmulator.StartAsync(EmulatorOptions.FromSettings(settings).Normalize());
    }

    private IHost BuildHost(GuestChatEnvironment environment, Scenario scenario, AmqpOptions? amqp, EmulatorChatDefaults chatDefaults)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (amqp is not null)
        {
            // The service's own message-queue surface, as serve runs it: the run's commands go through it.
            builder.Services.AddSingleton(Options.Create(amqp));
            builder.Services.AddSingleton(_ => Prometheus.Metrics.NewCustomRegistry());
            builder.Services.AddSingleton<AmqpMetrics>();
            builder.Services.AddSingleton<AmqpConnection>();
            builder.Services.AddSingleton<IChatDefaults>(new FixedChatDefaults(chatDefaults));
            builder.Services.AddHostedService<AmqpCommandService>();
            builder.Services.AddHostedService<AmqpEventPublisher>();
        }

        builder.Services.AddGuestChat(
            new GuestChatClientOptions
            {
                Environment = environment,
                // No budget of its own below the target's: ten requests a second per chat is more than a
                // scripted guest asks for, and a real budget below it is found and kept to by the limiter.
                RateLimit = new RateLimitOptions { RequestsPerSecond = Math.Max(1000, options.Chats * 10) },
                Retry = new RetryOptions { MaxAttempts = 10, MaxElapsed = TimeSpan.FromSeconds(90) },
                Api = options.Api,
            },
            new ConversationSettings
            {
                MediaRequestPolicy = scenario.MediaRequests switch
                {
                    "accept" => MediaRequestDecision.Accept,
                    "decline" => MediaRequestDecision.Decline,
                    _ => MediaRequestDecision.Ask,
                },
            },
            configureAkka: akka => akka.ConfigureLoggers(loggers => loggers.LogLevel = Akka.Event.LogLevel.WarningLevel));
        return builder.Build();
    }

    /// <summary>One scripted guest. Never throws: whatever goes wrong (a refusal, no answer in time) is this chat's failure, with its reason.</summary>
    private async Task DriveAsync(IChatDriver driver, GuestChatConversations conversations, Scenario scenario, EmulatorChatDefaults defaults, ThinkClock thinking, int index, CancellationToken cancellationToken)
    {
        var key = new ConversationKey($"run-{index}");
        var run = _runs[key] = new ChatRun(key);
        _stats.ChatStarted();
        var active = false;
        try
        {
            active = await OpenAsync(driver, conversations, scenario, defaults, run, cancellationToken);
            if (!active)
            {
                _stats.ChatFailedBeforeActive();
                return;
            }

            await ConverseAsync(driver, scenario, thinking, index, run, cancellationToken);
            await driver.EndAsync(key, cancellationToken);
            var ended = await CompletesWithin(run.Ended.Task, AnswerTimeout) ? run.Ended.Task.Result : null;
            var ok = ended?.Reason == ConversationEndReason.GuestLeft;
            if (!ok)
            {
                Fail(ended is null ? "never ended" : $"ended {ended.Reason}");
            }

            _stats.ChatEnded(ok);
        }
        catch (ConversationRejectedException e)
        {
            Fail(e.Rejection.Kind == RejectionKind.Unanswered ? $"no answer to {CommandName(e.Rejection.Command)} in time" : $"{CommandName(e.Rejection.Command)} refused: {e.Error?.Code ?? e.Rejection.Kind.ToString()}");
            if (active)
            {
                _stats.ChatEnded(ok: false);
            }
            else
            {
                _stats.ChatFailedBeforeActive();
            }
        }
        finally
        {
            _stats.MessagesReceived(run.ReceivedCount);
        }
    }

    /// <summary>Starts the chat and waits for an agent; false (with the reason counted) when none came.</summary>
    private async Task<bool> OpenAsync(IChatDriver driver, GuestChatConversations conversations, Scenario scenario, EmulatorChatDefaults defaults, ChatRun run, CancellationToken cancellationToken)
    {
        var setup = Stopwatch.StartNew();
        await driver.StartAsync(run.Key, new CreateWebChatConversationRequest
        {
            OrganizationId = defaults.OrganizationId,
            DeploymentId = defaults.DeploymentId,
            RoutingTarget = new WebChatRoutingTarget { TargetType = RoutingTargetType.Queue, TargetAddress = defaults.Queue },
            MemberInfo = new GuestMemberInfo { DisplayName = scenario.DisplayName },
        }, cancellationToken);
        // On guest chat an agent is seen joining; on Web Messaging no agent is known until it speaks, so the guest
        // speaks once its chat is attached (Queued), as a Messenger guest would.
        var ready = options.Api == GuestChat.Client.GuestApi.WebMessaging ? run.Attached.Task : run.Active.Task;
        if (!await CompletesWithin(ready, AnswerTimeout) || run.Ended.Task.IsCompleted)
        {
            Fail(run.Ended.Task.IsCompleted ? $"ended before an agent answered ({run.Ended.Task.Result.Reason})" : $"no agent answered (still {(await conversations.GetStatusAsync(run.Key)).State})");
            return false;
        }

        _setupTimes.Add(setup.Elapsed.TotalMilliseconds);
        _stats.ChatActive();
        return true;
    }

    private async Task ConverseAsync(IChatDriver driver, Scenario scenario, ThinkClock thinking, int index, ChatRun run, CancellationToken cancellationToken)
    {
        for (var n = 1; n <= options.Messages && !run.Ended.Task.IsCompleted; n++)
        {
            if (scenario.TypeBeforeSending)
            {
                await driver.TypingAsync(run.Key, cancellationToken);
            }

            await thinking.Delay(scenario.ThinkTimeMs);
            var text = scenario.Messages[(n - 1) % scenario.Messages.Count];
            var sent = Stopwatch.GetTimestamp();
            await driver.SendAsync(run.Key, options.Messages > scenario.Messages.Count ? $"{text} ({n})" : text, $"{index}-{n}", cancellationToken);
            _stats.MessageSent();
            if (!scenario.WaitForReply)
            {
                continue;
            }

            if (await run.WaitForRepliesAsync(n, TimeSpan.FromSeconds(scenario.ReplyTimeoutSeconds)))
            {
                _replyLatencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
            else
            {
                Interlocked.Increment(ref _missingReplies);
            }
        }
    }

    private static string CommandName(object command) => command switch
    {
        ConversationCommands.Start => "start",
        ConversationCommands.SendMessage => "send",
        ConversationCommands.SendTyping => "typing",
        ConversationCommands.AnswerMediaRequest => "media answer",
        ConversationCommands.End => "end",
        _ => command.GetType().Name,
    };

    /// <summary>
    /// Every chat's messages against the emulator's transcript of it: an agent's message the guest never heard is
    /// lost, one heard twice (or a guest message that reached the agent twice) duplicated. A chat's transcript is
    /// found by its conversation id on guest chat; a Web Messaging guest never learns that id, so there it is the
    /// emulator chat holding the messages the guest heard, and an emulator chat created during the run that no guest
    /// heard from counts every agent message in it lost. Chats an emulator held before the run began (an earlier
    /// run against the same <c>--target</c>) are not this run's.
    /// </summary>
    private async Task<(long Lost, long Duplicated)> CheckAgainstAsync(IRunningEmulator emulator, DateTimeOffset runStartedAt, CancellationToken cancellationToken)
    {
        var transcripts = new ConcurrentDictionary<string, IReadOnlyList<GuestChat.Emulator.Control.TranscriptEntry>>();
        await Parallel.ForEachAsync(await emulator.ConversationIdsAsync(runStartedAt, cancellationToken), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (id, token) =>
        {
            if (await emulator.ConversationAsync(id, token) is { } conversation)
            {
                transcripts[id] = conversation.Transcript ?? [];
            }
        });
        var chatOfMessage = transcripts.SelectMany(t => t.Value.Select(e => (e.Id, Chat: t.Key))).ToDictionary(p => p.Id, p => p.Chat);

        long lost = 0;
        long duplicated = 0;
        var heard = new HashSet<string>();
        foreach (var run in _runs.Values)
        {
            var received = run.Received.Select(r => r.MessageId).ToList();
            var chat = run.ConversationId is { } id && transcripts.ContainsKey(id) ? id : received.Select(m => chatOfMessage.GetValueOrDefault(m)).FirstOrDefault(c => c is not null);
            duplicated += received.Count - received.Distinct().Count();
            if (chat is null || !heard.Add(chat))
            {
                continue;
            }

            var transcript = transcripts[chat];
            lost += FromOthers(transcript).Except(received).Count();
            duplicated += transcript.Where(e => e.SenderRole == MemberRole.Customer && e.BodyType == BodyType.Standard).GroupBy(e => e.Body).Sum(g => g.Count() - 1);
        }

        lost += transcripts.Where(t => !heard.Contains(t.Key)).Sum(t => FromOthers(t.Value).Count());
        return (lost, duplicated);

        static IEnumerable<string> FromOthers(IEnumerable<GuestChat.Emulator.Control.TranscriptEntry> transcript) =>
            transcript.Where(e => e.SenderRole is MemberRole.Agent or MemberRole.Workflow && e.BodyType is BodyType.Standard or BodyType.Notice).Select(e => e.Id);
    }

    private string ProgressLine(TimeSpan elapsed) =>
        $"[{elapsed.TotalSeconds,6:F1}s] chats: {_stats.Started} started, {_stats.Active} active, {_stats.Ended} ended, {_stats.Failed} failed | messages: {_stats.Sent} sent, {_runs.Values.Sum(r => r.ReceivedCount)} received | reconnects: {_runs.Values.Sum(r => r.Reconnects)}";

    private void Fail(string reason) => _failures.AddOrUpdate(reason, 1, (_, count) => count + 1);

    private static async Task<bool> CompletesWithin(Task task, TimeSpan timeout) =>
        await Task.WhenAny(task, Task.Delay(timeout)) == task;
}
