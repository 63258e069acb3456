using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace GuestChat.Actors.Cluster;

/// <summary>
/// Makes a node of a cluster: Akka remoting, Akka.Cluster joining through the configured seed nodes with
/// the split-brain resolver (keep-majority), distributed data for sharding's coordinator (kept in memory
/// only: the remembered chats are in the journal), distributed publish-subscribe for the directories,
/// and the timings of <c>hocon/cluster.conf</c>.
/// </summary>
public static class ClusterHosting
{
    /// <summary>The largest message between nodes: a chat's transcript of about 1,000 long messages.</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>The shard region's name (and the type name of its remembered entities in the journal).</summary>
    public const string RegionName = "conversations";

    /// <summary>Joins the cluster the settings describe; nothing when clustering is off.</summary>
    public static AkkaConfigurationBuilder WithConversationCluster(this AkkaConfigurationBuilder builder, ClusterSettings cluster)
    {
        if (!cluster.Enabled)
        {
            return builder;
        }

        if (cluster.Problems().FirstOrDefault() is { } problem)
        {
            throw new ArgumentException(problem, nameof(cluster));
        }

        return builder
            .AddHocon(Tuning(), HoconAddMode.Prepend)
            .WithCustomSerializer("conversation-messages", [.. ClusterMessageSerializer.Messages.Values], system => new ClusterMessageSerializer(system))
            // Frames up to 4 MiB: a long chat's transcript read through another node is one message (Akka's default is 125 KB).
            .WithRemoting(new RemoteOptions
            {
                HostName = "0.0.0.0",
                PublicHostName = cluster.Hostname,
                Port = cluster.Port,
                MaxFrameSize = MaxMessageBytes,
                SendBufferSize = MaxMessageBytes,
                ReceiveBufferSize = MaxMessageBytes,
            })
            .WithClustering(new ClusterOptions { SeedNodes = [.. cluster.SeedAddresses], SplitBrainResolver = new KeepMajorityOption() })
            .WithShardingDistributedData(new ShardingDDataOptions { Durable = new DurableOptions { Keys = [] } })
            .WithDistributedPubSub(role: null!);
    }

    /// <summary>How the conversations are sharded: the choices of docs/cluster.md, none left at Akka's defaults.</summary>
    public static ShardOptions ShardOptions() => new()
    {
        // The coordinator's state in distributed data, held in memory by every node, none written to disk
        // (a coordinator that moves rebuilds it from the regions).
        StateStoreMode = StateStoreMode.DData,
        // Live chats are remembered in the journal, so when their node dies they start again on another
        // node unasked, and resume from their own facts.
        RememberEntities = true,
        RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
        // A quiet chat is still a live chat: its socket's frames never pass the region, so idleness says nothing.
        ShouldPassivateIdleEntities = false,
        // Moving a chat closes its socket and keeps the guest in the chat.
        HandOffStopMessage = Conversations.ConversationCommands.StopConversation.Instance,
    };

    private static string Tuning()
    {
        using var stream = typeof(ClusterHosting).Assembly.GetManifestResourceStream("GuestChat.Actors.hocon.cluster.conf")
            ?? throw new InvalidOperationException("hocon/cluster.conf is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
