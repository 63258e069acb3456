using System.Text.Json;

namespace GuestChat.Emulator.Control;

/// <summary>Thread-safe counters of everything the emulator did, faults included.</summary>
public sealed class EmulatorCounters
{
    private static readonly EmulatorCounter[] All = Enum.GetValues<EmulatorCounter>();
    private static readonly string[] Keys = All.Select(c => JsonNamingPolicy.CamelCase.ConvertName(c.ToString())).ToArray();
    private readonly long[] _values = new long[All.Length];
    private long _socketsOpen;

    /// <summary>Sockets open right now.</summary>
    public long SocketsOpen => Volatile.Read(ref _socketsOpen);

    /// <summary>Adds one.</summary>
    public void Increment(EmulatorCounter counter) => Interlocked.Increment(ref _values[(int)counter]);

    /// <summary>The value of one counter.</summary>
    public long this[EmulatorCounter counter] => Volatile.Read(ref _values[(int)counter]);

    /// <summary>Every counter by its camelCase name, plus <c>socketsOpen</c>.</summary>
    public Dictionary<string, long> Snapshot()
    {
        var snapshot = new Dictionary<string, long>(All.Length + 1);
        for (var i = 0; i < All.Length; i++)
        {
            snapshot[Keys[i]] = Volatile.Read(ref _values[i]);
        }

        snapshot["socketsOpen"] = SocketsOpen;
        return snapshot;
    }

    internal void SocketOpened()
    {
        Increment(EmulatorCounter.SocketsOpened);
        Interlocked.Increment(ref _socketsOpen);
    }

    internal void SocketClosed()
    {
        Increment(EmulatorCounter.SocketsClosed);
        Interlocked.Decrement(ref _socketsOpen);
    }
}
