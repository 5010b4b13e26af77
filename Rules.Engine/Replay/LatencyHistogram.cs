namespace Rules.Engine.Replay;

/// <summary>
/// Rule latencies in log-spaced buckets (5% wide, 1 µs to ~30 s): percentiles within 5% in constant memory,
/// however long the log. Not thread-safe; the runner adds to it from its single in-order pass.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double Smallest = 0.001;
    private const double Growth = 1.05;
    private static readonly double LogGrowth = Math.Log(Growth);
    private readonly long[] _buckets = new long[360];

    public long Count { get; private set; }

    public void Add(double milliseconds)
    {
        var index = milliseconds <= Smallest ? 0 : (int)Math.Ceiling(Math.Log(milliseconds / Smallest) / LogGrowth);
        _buckets[Math.Clamp(index, 0, _buckets.Length - 1)]++;
        Count++;
    }

    /// <summary>The upper edge of the bucket holding the given percentile (0..100), in milliseconds; 0 when empty.</summary>
    public double Percentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }
        var rank = (long)Math.Ceiling(percentile / 100 * Count);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= Math.Max(1, rank))
            {
                return Smallest * Math.Pow(Growth, i);
            }
        }
        return Smallest * Math.Pow(Growth, _buckets.Length - 1);
    }
}
