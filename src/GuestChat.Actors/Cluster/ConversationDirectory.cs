using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using GuestChat.Actors.Conversations;
using static GuestChat.Actors.Conversations.ConversationCommands;
using static GuestChat.Actors.Conversations.ConversationEvents;
using static GuestChat.Actors.Conversations.ConversationQueries;

namespace GuestChat.Actors.Cluster;

/// <summary>
/// <c>/user/conversation-directory</c>, one per node of a cluster: what the <see cref="ConversationManager"/>
/// is on a single node for the questions about all chats. The conversations living on this node tell it
/// every event; it keeps where each of them stands, and publishes their events to every node's directory
/// (Akka's distributed publish-subscribe), which tells its own subscribers: a subscriber of every chat
/// hears every chat of the cluster, wherever it lives, each chat's events in the order told.
/// <see cref="ListConversations"/> is asked of every node's directory and answered with all of them.
/// </summary>
public sealed class ConversationDirectory : ReceiveActor
{
    /// <summary>Its name under <c>/user</c>, the same on every node (every node's directory is reached by this path).</summary>
    public const string Name = "conversation-directory";

    /// <summary>The topic every node's directory publishes its conversations' events to.</summary>
    public const string Topic = "guestchat-conversation-events";

    /// <summary>How long a list waits for the other nodes' directories.</summary>
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Chats per part of a node's list: a part stays far below the largest message remoting carries, however many chats a node holds.</summary>
    private const int PartSize = 500;

    private readonly IActorRef _mediator = DistributedPubSub.Get(Context.System).Mediator;
    private readonly Dictionary<ConversationKey, ConversationSummary> _here = [];
    private readonly Dictionary<IActorRef, ConversationKey> _keysByActor = [];
    private readonly HashSet<IActorRef> _everywhere = [];
    private readonly HashSet<IActorRef> _hereOnly = [];

    /// <summary>A node's directory.</summary>
    public ConversationDirectory()
    {
        Receive<Published>(published => Tell(_everywhere, published.Event));
        Receive<IWithConversationKey>(OnLocalEvent);
        Receive<SubscribeAll>(subscribe =>
        {
            (subscribe.HereOnly ? _hereOnly : _everywhere).Add(subscribe.Subscriber);
            Context.Watch(subscribe.Subscriber);
        });
        Receive<UnsubscribeAll>(unsubscribe =>
        {
            _everywhere.Remove(unsubscribe.Subscriber);
            _hereOnly.Remove(unsubscribe.Subscriber);
        });
        Receive<ListConversations>(_ =>
        {
            // The nodes that can answer: members, and reachable (an unreachable node's chats are about to move).
            var state = Akka.Cluster.Cluster.Get(Context.System).State;
            var nodes = state.Members.Count(m => m.Status is Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.WeaklyUp && !state.Unreachable.Contains(m));
            var gatherer = Context.ActorOf(Props.Create(() => new ListGatherer(Sender, Math.Max(nodes, 1), ListTimeout)));
            _mediator.Tell(new SendToAll("/user/" + Name, ListParts.Instance), gatherer);
        });
        Receive<ListHere>(_ => Sender.Tell(new ConversationList([.. _here.Values])));
        Receive<ListParts>(_ =>
        {
            var parts = _here.Values.Chunk(PartSize).ToList();
            for (var i = 0; i < parts.Count; i++)
            {
                Sender.Tell(new ListPart([.. parts[i]], Last: i == parts.Count - 1));
            }

            if (parts.Count == 0)
            {
                Sender.Tell(new ListPart([], Last: true));
            }
        });
        Receive<Terminated>(terminated =>
        {
            _everywhere.Remove(terminated.ActorRef);
            _hereOnly.Remove(terminated.ActorRef);
            if (_keysByActor.Remove(terminated.ActorRef, out var key))
            {
                // Ended and past its retention, or handed to another node (which tells its events from now on).
                _here.Remove(key);
            }
        });
        Receive<SubscribeAck>(_ => { });
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _mediator.Tell(new Put(Self));
        _mediator.Tell(new Akka.Cluster.Tools.PublishSubscribe.Subscribe(Topic, Self));
    }

    private void OnLocalEvent(IWithConversationKey told)
    {
        if (!_keysByActor.ContainsKey(Sender))
        {
            _keysByActor[Sender] = told.Key;
            Context.Watch(Sender);
        }

        var summary = _here.GetValueOrDefault(told.Key) ?? new ConversationSummary(told.Key, ConversationState.New, null);
        _here[told.Key] = told switch
        {
            StateChanged changed => summary with { State = changed.State },
            Ended ended => summary with { EndReason = ended.Reason },
            _ => summary,
        };

        Tell(_hereOnly, told);
        _mediator.Tell(new Publish(Topic, new Published(told)));
    }

    private void Tell(HashSet<IActorRef> subscribers, IWithConversationKey told)
    {
        foreach (var subscriber in subscribers)
        {
            subscriber.Tell(told);
        }
    }

    /// <summary>A conversation's event as it travels between the nodes' directories.</summary>
    public sealed record Published(IWithConversationKey Event);

    /// <summary>What this node's directory is asked for the chats living here; answered with one <see cref="ConversationList"/>.</summary>
    public sealed record ListHere
    {
        /// <summary>The one instance.</summary>
        public static ListHere Instance { get; } = new();
    }

    /// <summary>What every node's directory is asked for a list of all chats: answered with its chats in <see cref="ListPart"/>s, the last one marked.</summary>
    public sealed record ListParts
    {
        /// <summary>The one instance.</summary>
        public static ListParts Instance { get; } = new();
    }

    /// <summary>Part of one node's list.</summary>
    public sealed record ListPart(IReadOnlyList<ConversationSummary> Conversations, bool Last);

    /// <summary>Gathers the nodes' lists: answers when every node answered, or with what it has after the timeout.</summary>
    private sealed class ListGatherer : ReceiveActor
    {
        private readonly List<ConversationSummary> _all = [];
        private int _answers;

        public ListGatherer(IActorRef requester, int nodes, TimeSpan timeout)
        {
            Context.SetReceiveTimeout(timeout);
            Receive<ListPart>(part =>
            {
                _all.AddRange(part.Conversations);
                if (part.Last && ++_answers >= nodes)
                {
                    Answer(requester);
                }
            });
            Receive<ReceiveTimeout>(_ => Answer(requester));
        }

        private void Answer(IActorRef requester)
        {
            // A chat handed over between two answers may be in both: the later state wins.
            requester.Tell(new ConversationList([.. _all.GroupBy(c => c.Key).Select(g => g.Last())]));
            Context.Stop(Self);
        }
    }
}
