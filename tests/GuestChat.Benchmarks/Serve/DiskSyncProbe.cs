using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using GuestChat.Benchmarks.EmulatorCapacity;

namespace GuestChat.Benchmarks.Serve;

/// <summary>
/// The machine's disk on its own: a 4 KiB write and its sync, 5 ms apart, in the folder the journal is
/// written to. A durable journal's commit waits for one such sync, so its slowest set the slowest
/// messages; the figures differ from one machine of the same kind to the next, and a result is read
/// beside them.
/// </summary>
internal static class DiskSyncProbe
{
    public static JsonNode? Measure(string folder, int syncs = 400)
    {
        var path = Path.Combine(folder, "disk-sync-probe");
        var block = new byte[4096];
        var times = new LatencyRecorder(syncs);
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            for (var i = 0; i < syncs; i++)
            {
                RandomAccess.Write(file, block, i % 256 * 4096L);
                var started = Stopwatch.GetTimestamp();
                RandomAccess.FlushToDisk(file);
                times.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Thread.Sleep(5);
            }
        }

        File.Delete(path);
        return JsonSerializer.SerializeToNode(times.Percentiles());
    }
}
