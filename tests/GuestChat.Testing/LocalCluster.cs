using System.Text.Json.Nodes;

namespace GuestChat.Testing;

/// <summary>
/// A cluster of real <c>serve</c> processes started by the project's own <c>scripts/cluster.sh</c> (a
/// throw-away PostgreSQL all nodes share, every node on free loopback ports), built from this test's own
/// output (the executables built beside the calling program), against an emulator the caller runs: what
/// an operator gets from the script, with a way to kill, stop and start each node. For the cluster tests
/// and the cluster benchmark.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private static readonly TimeSpan ScriptDeadline = TimeSpan.FromMinutes(5);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"guestchat-cluster-{Guid.NewGuid():N}"[..29]);
    private readonly Dictionary<string, string?> _environment;

    private LocalCluster(Uri emulator, Uri? broker, string? nodeArguments) =>
        _environment = new Dictionary<string, string?>
        {
            ["GUESTCHAT_BIN"] = AppContext.BaseDirectory.TrimEnd('/'),
            ["GUESTCHAT_TARGET"] = emulator.ToString().TrimEnd('/'),
            ["GUESTCHAT_NODE_ARGS"] = "--Serilog:MinimumLevel:Default=Warning" + (broker is null ? "" : $" --Amqp:Uri={broker}") + (nodeArguments is null ? "" : " " + nodeArguments),
        };

    /// <summary>Each node's HTTP API, node 1 first.</summary>
    public IReadOnlyList<Uri> Nodes { get; private set; } = [];

    /// <summary>The API key every node takes.</summary>
    public string ApiKey { get; private set; } = "";

    /// <summary>
    /// Starts <paramref name="nodes"/> nodes (with the queue surface on <paramref name="broker"/> when given,
    /// and <paramref name="nodeArguments"/> as shell words, quotes honoured) and waits until every one is healthy.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(Uri emulator, int nodes, Uri? broker = null, string? nodeArguments = null)
    {
        var cluster = new LocalCluster(emulator, broker, nodeArguments);
        var started = await cluster.ScriptAsync($"start \"{cluster._folder}\" {nodes}");
        cluster.Nodes = [.. File.ReadAllLines(Path.Combine(cluster._folder, "nodes")).Select(line => new Uri(line.Split(' ')[1]))];
        cluster.ApiKey = File.ReadAllText(Path.Combine(cluster._folder, "api-key")).Trim();
        _ = started;
        return cluster;
    }

    /// <summary>A client of node <paramref name="node"/> (1-based).</summary>
    public HttpClient Client(int node)
    {
        var http = new HttpClient { BaseAddress = Nodes[node - 1], Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return http;
    }

    /// <summary>SIGKILL: the node is gone at once, nothing handed over.</summary>
    public Task KillAsync(int node) => ScriptAsync($"kill \"{_folder}\" {node}");

    /// <summary>SIGTERM: the node leaves the cluster, handing its chats over, and exits.</summary>
    public Task LeaveAsync(int node) => ScriptAsync($"leave \"{_folder}\" {node}");

    /// <summary>Starts the node again on its ports and waits until it is healthy.</summary>
    public Task StartNodeAsync(int node) => ScriptAsync($"node \"{_folder}\" {node}");

    /// <summary>How many chats live on node <paramref name="node"/> now, from its <c>/healthz</c>.</summary>
    public async Task<int> ChatsOnAsync(int node)
    {
        using var http = Client(node);
        var health = JsonNode.Parse(await http.GetStringAsync("/healthz"))!;
        return health["chatsHere"]!.GetValue<int>();
    }

    /// <summary>A node's process id, while it runs.</summary>
    public int ProcessOf(int node) => int.Parse(File.ReadAllText(Path.Combine(_folder, $"node-{node}.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A node's Akka remoting port (its address is <c>akka.tcp://guestchat@127.0.0.1:port</c>).</summary>
    public int RemotingPortOf(int node) => int.Parse(File.ReadAllLines(Path.Combine(_folder, "nodes"))[node - 1].Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The end of a node's log, for a failure's message.</summary>
    public string LogOf(int node, int lines = 40)
    {
        var file = Path.Combine(_folder, $"node-{node}.log");
        return File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(lines)) : "(no log)";
    }

    public async ValueTask DisposeAsync() => await ScriptAsync($"stop \"{_folder}\"");

    private async Task<string> ScriptAsync(string arguments)
    {
        var script = Path.Combine(Processes.RepositoryRoot(), "scripts", "cluster.sh");
        var finished = await Processes.RunAsync("bash", $"\"{script}\" {arguments}", ScriptDeadline, environment: _environment);
        if (finished.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/cluster.sh {arguments} failed (exit {finished.ExitCode}):\n{finished.Output}");
        }

        return finished.Stdout;
    }
}
