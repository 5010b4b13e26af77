namespace Rules.Engine.Replay;

/// <summary>How far a replay is, for a progress bar.</summary>
/// <param name="Records">Records evaluated so far.</param>
/// <param name="Fraction">How far through the input, 0 to 1.</param>
/// <param name="Elapsed">Time since the run started.</param>
public sealed record ReplayProgress(long Records, double Fraction, TimeSpan Elapsed);

/// <summary>How a replay runs: parallelism, strictness, and how much of a large result is kept for the report.</summary>
public sealed class ReplayOptions
{
    /// <summary>Records evaluated at once; 0 means one per core.</summary>
    public int Threads { get; init; }

    /// <summary>Stop at the first malformed record instead of counting it and going on.</summary>
    public bool Strict { get; init; }

    /// <summary>Changed records kept for the report; the rest are counted. Bounds memory on a log where everything changed.</summary>
    public int MaxChangesKept { get; init; } = 10_000;

    /// <summary>Malformed records kept, with the reason, for the report; the rest are counted.</summary>
    public int MaxMalformedKept { get; init; } = 1_000;

    /// <summary>Records read ahead and evaluated together; results are reported in log order, so this bounds memory.</summary>
    public int BatchSize { get; init; } = 4_096;

    /// <summary>Called now and then from the run with how far it is, for a progress bar; null for none.</summary>
    public Action<ReplayProgress>? Progress { get; init; }

    internal int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;
}
