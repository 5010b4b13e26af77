namespace Rules.Engine.Replay;

public sealed record ReplayProgress(long Records, double Fraction, TimeSpan Elapsed);

public sealed class ReplayOptions
{
    /// <summary>Records evaluated at once; 0 means one per core.</summary>
    public int Threads { get; init; }

    /// <summary>Stop at the first malformed record instead of counting it and going on.</summary>
    public bool Strict { get; init; }

    /// <summary>Changed records kept for the report; the rest are counted. Bounds memory on a log where everything changed.</summary>
    public int MaxChangesKept { get; init; } = 10_000;

    public int MaxMalformedKept { get; init; } = 1_000;

    /// <summary>Records read ahead and evaluated together; results are reported in log order, so this bounds memory.</summary>
    public int BatchSize { get; init; } = 4_096;

    public Action<ReplayProgress>? Progress { get; init; }

    internal int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;
}
