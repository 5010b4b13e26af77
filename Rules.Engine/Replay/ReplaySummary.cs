namespace Rules.Engine.Replay;

/// <summary>A record whose outcome changed, with both sides described and the differing fields.</summary>
public sealed record ReplayChange(string Source, long Line, string? Id, ReplayClass Class, string Before, string After, IReadOnlyList<FieldChange> Diff)
{
    /// <summary>How the record is named in reports: its id, or file:line.</summary>
    public string Name => Id ?? $"{System.IO.Path.GetFileName(Source)}:{Line}";
}

/// <summary>A line that is not a record, and why.</summary>
public sealed record MalformedRecord(string Source, long Line, string Message);

/// <summary>One rule's latency percentiles and failures on one side of the replay.</summary>
public sealed record RuleStats(string Rule, long Runs, double P50Ms, double P95Ms, double P99Ms, long Errors);

/// <summary>Everything a reporter needs: counts per class, the changed records (in log order), per-rule statistics.</summary>
public sealed class ReplaySummary
{
    public required string CandidateVersion { get; init; }

    /// <summary>"recorded" when comparing with the log's outcomes, else the --against rule set's version.</summary>
    public required string Baseline { get; init; }

    public long Evaluated { get; init; }

    /// <summary>Records with no recorded outcome and no --against rule set: evaluated, nothing to compare with.</summary>
    public long NotCompared { get; init; }

    public long Malformed { get; init; }

    /// <summary>Records whose rules made an HTTP call the record did not keep with its response: evaluated, never counted as a change.</summary>
    public long NotReplayable { get; init; }

    public required IReadOnlyDictionary<ReplayClass, long> Counts { get; init; }

    /// <summary>The changed records, in log order, up to the runner's cap; <see cref="ChangesOmitted"/> counts the rest.</summary>
    public required IReadOnlyList<ReplayChange> Changes { get; init; }

    public long ChangesOmitted { get; init; }

    public required IReadOnlyList<MalformedRecord> MalformedRecords { get; init; }

    public required IReadOnlyList<RuleStats> CandidateRules { get; init; }

    public required IReadOnlyList<RuleStats> BaselineRules { get; init; }

    /// <summary>True when --strict stopped the run at a malformed record.</summary>
    public bool StoppedEarly { get; init; }

    public TimeSpan Elapsed { get; init; }

    public long Changed => ReplayClasses.Changes.Sum(c => Counts[c]);

    public double RecordsPerSecond => Elapsed.TotalSeconds > 0 ? Evaluated / Elapsed.TotalSeconds : 0;
}
