using Akka.Actor;

namespace GuestChat.Actors.Cluster;

/// <summary>This node's view of the cluster, for <c>/healthz</c>: who is in it, in which state, and whether this node takes chats.</summary>
public sealed record ClusterMembership(string Self, string SelfStatus, bool Ready, string? Leader, IReadOnlyList<ClusterMember> Members)
{
    /// <summary>What the node sees now; null when the system is not a cluster node.</summary>
    public static ClusterMembership? Of(ActorSystem system)
    {
        if (((ExtendedActorSystem)system).Provider is not Akka.Cluster.ClusterActorRefProvider)
        {
            return null;
        }

        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        var status = cluster.SelfMember.Status;
        var members = state.Members
            .Select(m => new ClusterMember(m.Address.ToString(), m.Status.ToString(), !state.Unreachable.Contains(m)))
            .ToList();
        // Ready: a member (Up); before that the node cannot host or route a chat.
        return new ClusterMembership(cluster.SelfAddress.ToString(), status.ToString(), status == Akka.Cluster.MemberStatus.Up, state.Leader?.ToString(), members);
    }
}

/// <summary>Where this node stands among the others.</summary>
public static class ClusterRole
{
    /// <summary>
    /// Whether this node is the oldest member that is up: the one a cluster singleton runs on, and so the
    /// one that does the work only one node may do (the event outbox). True on a node that is no cluster.
    /// </summary>
    public static bool IsOldest(ActorSystem system)
    {
        if (((ExtendedActorSystem)system).Provider is not Akka.Cluster.ClusterActorRefProvider)
        {
            return true;
        }

        var cluster = Akka.Cluster.Cluster.Get(system);
        var oldest = cluster.State.Members.Where(m => m.Status == Akka.Cluster.MemberStatus.Up).OrderBy(m => m, Akka.Cluster.Member.AgeOrdering).FirstOrDefault();
        return oldest is not null && oldest.Address.Equals(cluster.SelfAddress);
    }
}

/// <summary>One member as this node sees it.</summary>
public sealed record ClusterMember(string Address, string Status, bool Reachable);
