namespace GuestChat.Benchmarks.EmulatorCapacity;

/// <summary>Latencies recorded from many threads into a preallocated array; percentiles at the end.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly double[] _milliseconds = new double[capacity];
    private int _count;

    public int Count => Math.Min(Volatile.Read(ref _count), _milliseconds.Length);

    public void Record(double milliseconds)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _milliseconds.Length)
        {
            _milliseconds[index] = milliseconds;
        }
    }

    public Dictionary<string, double> Percentiles()
    {
        var sorted = _milliseconds[..Count];
        Array.Sort(sorted);
        double At(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new Dictionary<string, double>
        {
            ["count"] = sorted.Length,
            ["p50"] = Math.Round(At(0.50), 2),
            ["p90"] = Math.Round(At(0.90), 2),
            ["p99"] = Math.Round(At(0.99), 2),
            ["max"] = Math.Round(sorted.Length == 0 ? double.NaN : sorted[^1], 2),
        };
    }
}
