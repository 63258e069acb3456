using Akka.Actor;
using Akka.Hosting;
using GuestChat.Actors.Conversations;
using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.Conversations.ConversationQueries;

namespace GuestChat.Actors.Hosting;

/// <summary>
/// The conversations for .NET callers who would rather not speak actor messages: start, send, type,
/// answer media requests, end, read, and subscribe with a callback. Registered by
/// <see cref="GuestChatHosting.AddGuestChat"/>. Every command waits for the conversation's own answer;
/// a refusal, or no answer within <see cref="AskTimeout"/>, throws <see cref="ConversationRejectedException"/>
/// (its <see cref="ConversationEvents.CommandRejected.Kind"/> says which).
/// </summary>
public sealed class GuestChatConversations(ActorSystem system, IRequiredActor<ConversationManager> manager, IRequiredActor<Cluster.ConversationDirectory> directory)
{
    /// <summary>How long a question to a conversation may take before it counts as unanswered.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(90);

    private IActorRef? _manager;

    /// <summary>The same conversations, asked with another patience.</summary>
    public GuestChatConversations WithAskTimeout(TimeSpan timeout) => new(system, manager, directory) { AskTimeout = timeout };

    /// <summary>Opens a chat; completes when Genesys has created it.</summary>
    public Task<Started> StartAsync(ConversationKey key, CreateWebChatConversationRequest request, CancellationToken cancellationToken = default) =>
        AskAsync<Started>(new Start(key, request), cancellationToken);

    /// <summary>Sends a message; completes when Genesys accepted it.</summary>
    public Task<MessageAccepted> SendMessageAsync(ConversationKey key, string body, BodyType bodyType = BodyType.Standard, string? clientMessageId = null, CancellationToken cancellationToken = default) =>
        AskAsync<MessageAccepted>(new SendMessage(key, body, bodyType, clientMessageId), cancellationToken);

    /// <summary>Says the guest is typing; completes once the conversation took it (it sends at most one per 3 s).</summary>
    public Task<CommandAccepted> SendTypingAsync(ConversationKey key, CancellationToken cancellationToken = default) =>
        AskAsync<CommandAccepted>(new SendTyping(key), cancellationToken);

    /// <summary>Accepts or declines an agent's media request; completes once Genesys took the answer.</summary>
    public Task<CommandAccepted> AnswerMediaRequestAsync(ConversationKey key, string mediaRequestId, MediaRequestDecision decision, CancellationToken cancellationToken = default) =>
        AskAsync<CommandAccepted>(new AnswerMediaRequest(key, mediaRequestId, decision), cancellationToken);

    /// <summary>Leaves the chat; completes once it has ended (the subscribers hear <see cref="Ended"/>).</summary>
    public Task<CommandAccepted> EndAsync(ConversationKey key, CancellationToken cancellationToken = default) =>
        AskAsync<CommandAccepted>(new End(key), cancellationToken);

    /// <summary>Tells a command without waiting for its answer, for callers who do not care.</summary>
    public async Task TellAsync(IConversationCommand command, CancellationToken cancellationToken = default) =>
        (await ManagerAsync(cancellationToken)).Tell(command, ActorRefs.NoSender);

    /// <summary>Where a conversation stands.</summary>
    public Task<ConversationQueries.Status> GetStatusAsync(ConversationKey key, CancellationToken cancellationToken = default) =>
        AskAsync<ConversationQueries.Status>(new GetStatus(key), cancellationToken);

    /// <summary>The messages a conversation has seen, in order.</summary>
    public Task<Transcript> GetTranscriptAsync(ConversationKey key, CancellationToken cancellationToken = default) =>
        AskAsync<Transcript>(new GetTranscript(key), cancellationToken);

    /// <summary>The messages from other members after <paramref name="sequence"/> (see <see cref="MessageReceived.Sequence"/>), in order.</summary>
    public Task<MessagesSince> GetMessagesSinceAsync(ConversationKey key, long sequence, CancellationToken cancellationToken = default) =>
        AskAsync<MessagesSince>(new GetMessagesSince(key, sequence), cancellationToken);

    /// <summary>Every conversation and where it stands.</summary>
    public async Task<ConversationList> ListAsync(CancellationToken cancellationToken = default) =>
        await AskAsync<ConversationList>(await directory.GetAsync(cancellationToken), new ListConversations(), cancellationToken);

    /// <summary>The conversations living on this node (in a cluster; on a single node, all of them).</summary>
    public async Task<ConversationList> ListHereAsync(CancellationToken cancellationToken = default) =>
        await AskAsync<ConversationList>(await directory.GetAsync(cancellationToken), Cluster.ConversationDirectory.ListHere.Instance, cancellationToken);

    /// <summary>
    /// Calls <paramref name="onEvent"/> with every event of one conversation (or of all, when <paramref name="key"/>
    /// is null; in a cluster, of the conversations on this node only with <paramref name="hereOnly"/>) until
    /// disposed. Calls come one at a time. A conversation that moves to another node (in a cluster) ends
    /// its subscription with <see cref="SubscriptionLost"/>: subscribe again, reading what was missed by sequence.
    /// </summary>
    public async Task<IDisposable> SubscribeAsync(ConversationKey? key, Action<IWithConversationKey> onEvent, CancellationToken cancellationToken = default, bool hereOnly = false)
    {
        var target = key is null ? await directory.GetAsync(cancellationToken) : await ManagerAsync(cancellationToken);
        var subscriber = system.ActorOf(Props.Create(() => new CallbackSubscriber(onEvent, key)));
        target.Tell(key is { } one ? new Subscribe(one, subscriber) : new SubscribeAll(subscriber, hereOnly));
        return new Subscription(() =>
        {
            target.Tell(key is { } one ? new Unsubscribe(one, subscriber) : new UnsubscribeAll(subscriber));
            system.Stop(subscriber);
        });
    }

    private Task<T> AskAsync<T>(object question, CancellationToken cancellationToken) =>
        _manager is { } known ? AskAsync<T>(known, question, cancellationToken) : ResolveThenAskAsync<T>(question, cancellationToken);

    private async Task<T> ResolveThenAskAsync<T>(object question, CancellationToken cancellationToken) =>
        await AskAsync<T>(await ManagerAsync(cancellationToken), question, cancellationToken);

    private async Task<T> AskAsync<T>(IActorRef target, object question, CancellationToken cancellationToken)
    {
        object answer;
        try
        {
            answer = await target.Ask<object>(question, AskTimeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            // Slow is not broken: the caller hears that there was no answer, as a rejection it can report.
            var key = question is IWithConversationKey keyed ? keyed.Key : new ConversationKey("-");
            throw new ConversationRejectedException(new CommandRejected(key, question, $"No answer within {AskTimeout.TotalSeconds:F0} s", Kind: RejectionKind.Unanswered));
        }

        return answer switch
        {
            T expected => expected,
            CommandRejected rejected => throw new ConversationRejectedException(rejected),
            _ => throw new InvalidOperationException($"Unexpected answer {answer.GetType().Name} to {question.GetType().Name}."),
        };
    }

    /// <summary>The manager (or shard region), looked up once: it lives as long as the actor system.</summary>
    private async Task<IActorRef> ManagerAsync(CancellationToken cancellationToken) => _manager ??= await manager.GetAsync(cancellationToken);

    /// <summary>Calls back with each event; one of one conversation watches it, and says so when it stops without having ended (it moved).</summary>
    private sealed class CallbackSubscriber : ReceiveActor
    {
        public CallbackSubscriber(Action<IWithConversationKey> onEvent, ConversationKey? key)
        {
            IActorRef? conversation = null;
            var ended = false;
            Receive<IWithConversationKey>(told =>
            {
                if (key is not null && conversation is null && !Sender.IsNobody())
                {
                    conversation = Sender;
                    Context.Watch(conversation);
                }

                ended |= told is Ended;
                onEvent(told);
            });
            Receive<Terminated>(terminated =>
            {
                if (terminated.ActorRef.Equals(conversation) && !ended)
                {
                    onEvent(new SubscriptionLost(key!.Value));
                }
            });
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
