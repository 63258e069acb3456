using System.Diagnostics;

namespace GuestChat.Host.Run;

/// <summary>Tracks the process's peak memory and what it held per active chat at the busiest moment.</summary>
internal sealed class MemorySampler
{
    private readonly Func<long> _activeChats;

    public MemorySampler(Func<long> activeChats)
    {
        _activeChats = activeChats;
        BaselineBytes = Resident();
    }

    /// <summary>Resident memory before the first chat.</summary>
    public long BaselineBytes { get; }

    public long PeakBytes { get; private set; }

    public long MostActiveChats { get; private set; }

    public long BytesPerChatAtBusiest { get; private set; }

    public void Sample()
    {
        var resident = Resident();
        PeakBytes = Math.Max(PeakBytes, resident);
        var active = _activeChats();
        if (active > 0 && active >= MostActiveChats)
        {
            MostActiveChats = active;
            BytesPerChatAtBusiest = Math.Max(0, resident - BaselineBytes) / active;
        }
    }

    private static long Resident()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
