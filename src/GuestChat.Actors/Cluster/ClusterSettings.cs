namespace GuestChat.Actors.Cluster;

/// <summary>
/// The <c>Cluster</c> settings. Off by default: one node, conversations under a plain manager. On, the
/// node joins an Akka.NET cluster of nodes that share one PostgreSQL journal, and each chat lives on
/// exactly one of them (Akka.Cluster.Sharding), moving when its node leaves or dies.
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Cluster";

    /// <summary>The actor system's name, the same on every node (it is part of every node's address).</summary>
    public const string SystemName = "guestchat";

    /// <summary>Whether this node is part of a cluster.</summary>
    public bool Enabled { get; init; }

    /// <summary>The address other nodes reach this one at.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>Akka remoting's port.</summary>
    public int Port { get; init; } = 4053;

    /// <summary>
    /// The nodes a starting node asks to let it in, as <c>host:port</c> (remoting): a fixed list, the same
    /// on every node, usually every node of the cluster (this one included). The first one, started
    /// alone, forms the cluster; any node that finds one of the others up joins it.
    /// </summary>
    public string[] SeedNodes { get; init; } = [];

    /// <summary>Shards the chats are spread over: about ten per node at the largest size the cluster will have.</summary>
    public int Shards { get; init; } = 100;

    /// <summary>The seed nodes as Akka addresses.</summary>
    public IEnumerable<string> SeedAddresses => SeedNodes.Select(node => $"akka.tcp://{SystemName}@{node}");

    /// <summary>What is wrong with these settings, each naming its setting; empty when they can be used.</summary>
    public IEnumerable<string> Problems()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Hostname))
        {
            yield return $"{Section}:Hostname is required with {Section}:Enabled=true.";
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"{Section}:Port must be a port between 1 and 65535 (was {Port}).";
        }

        if (SeedNodes.Length == 0)
        {
            yield return $"{Section}:SeedNodes is required with {Section}:Enabled=true: the nodes' host:port, the same list on every node, e.g. {Section}:SeedNodes:0=10.0.0.1:4053.";
        }

        foreach (var node in SeedNodes)
        {
            var colon = node.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(node[(colon + 1)..], out var port) || port is < 1 or > 65535)
            {
                yield return $"{Section}:SeedNodes: '{node}' is not host:port.";
            }
        }

        if (Shards < 1)
        {
            yield return $"{Section}:Shards must be at least 1 (was {Shards}).";
        }
    }
}
