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
    /// <summary>The version of the rule set being tried.</summary>
    public required string CandidateVersion { get; init; }

    /// <summary>"recorded" when comparing with the log's outcomes, else the --against rule set's version.</summary>
    public required string Baseline { get; init; }

    /// <summary>Records the candidate ran.</summary>
    public long Evaluated { get; init; }

    /// <summary>Records with no recorded outcome and no --against rule set: evaluated, nothing to compare with.</summary>
    public long NotCompared { get; init; }

    /// <summary>Records that could not be read and were skipped.</summary>
    public long Malformed { get; init; }

    /// <summary>Records whose rules made an HTTP call the record did not keep with its response: evaluated, never counted as a change.</summary>
    public long NotReplayable { get; init; }

    /// <summary>How many records fell in each class; every class is present.</summary>
    public required IReadOnlyDictionary<ReplayClass, long> Counts { get; init; }

    /// <summary>The changed records, in log order, up to the runner's cap; <see cref="ChangesOmitted"/> counts the rest.</summary>
    public required IReadOnlyList<ReplayChange> Changes { get; init; }

    /// <summary>Changed records counted but not kept in <see cref="Changes"/>, past the runner's cap.</summary>
    public long ChangesOmitted { get; init; }

    /// <summary>The malformed records kept, with their line and reason, up to the runner's cap.</summary>
    public required IReadOnlyList<MalformedRecord> MalformedRecords { get; init; }

    /// <summary>Per-rule latency and decisions of the candidate rule set.</summary>
    public required IReadOnlyList<RuleStats> CandidateRules { get; init; }

    /// <summary>Per-rule latency and decisions of the baseline rule set; empty when comparing with recorded outcomes.</summary>
    public required IReadOnlyList<RuleStats> BaselineRules { get; init; }

    /// <summary>True when --strict stopped the run at a malformed record.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>How long the run took.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Records in any class but <see cref="ReplayClass.Unchanged"/>.</summary>
    public long Changed => ReplayClasses.Changes.Sum(c => Counts[c]);

    /// <summary>Throughput of the run, for the report; 0 for a run too short to time.</summary>
    public double RecordsPerSecond => Elapsed.TotalSeconds > 0 ? Evaluated / Elapsed.TotalSeconds : 0;
}
