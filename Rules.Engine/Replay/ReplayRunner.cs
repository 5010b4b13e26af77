using System.Diagnostics;
using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Replay;

/// <summary>
/// Re-runs recorded logins through a candidate rule set and compares each outcome with the recorded one, or with
/// a baseline rule set's. Records are read in batches, evaluated on all cores, and folded into the summary in log
/// order, so memory stays flat (one batch) and the result is the same on any number of threads. Each record runs
/// with its recorded clock, a Math.random seeded from the record, and a fresh <c>global</c>.
/// </summary>
public sealed class ReplayRunner(RulePipeline candidate, RulePipeline? baseline, ReplayOptions? options = null)
{
    private readonly ReplayOptions _options = options ?? new ReplayOptions();

    public ReplaySummary Run(ReplayLogReader reader, CancellationToken cancellation = default) =>
        Run(reader.Read(), () => reader.Fraction, cancellation);

    public ReplaySummary Run(IEnumerable<ReplayInput> inputs, Func<double>? fraction = null, CancellationToken cancellation = default)
    {
        var started = Stopwatch.GetTimestamp();
        var aggregate = new Aggregate(_options);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.EffectiveThreads, CancellationToken = cancellation };
        var batch = new ReplayInput[Math.Max(1, _options.BatchSize)];
        var results = new RecordResult[batch.Length];
        var stopped = false;
        using var enumerator = inputs.GetEnumerator();
        while (!stopped)
        {
            var count = 0;
            while (count < batch.Length && enumerator.MoveNext())
            {
                batch[count++] = enumerator.Current;
            }
            if (count == 0)
            {
                break;
            }

            Parallel.For(0, count, parallel, i => results[i] = Evaluate(batch[i]));
            for (var i = 0; i < count; i++)
            {
                aggregate.Add(results[i]);
                if (results[i].Malformed is not null && _options.Strict)
                {
                    stopped = true;
                    break;
                }
            }
            Array.Clear(results, 0, count);
            _options.Progress?.Invoke(new ReplayProgress(aggregate.Evaluated + aggregate.Malformed, fraction?.Invoke() ?? 0, Stopwatch.GetElapsedTime(started)));
        }

        return aggregate.ToSummary(candidate.Version, baseline?.Version ?? "recorded", stopped, Stopwatch.GetElapsedTime(started));
    }

    private RecordResult Evaluate(ReplayInput input)
    {
        ReplayRecord record;
        try
        {
            record = ReplayRecord.Parse(input);
        }
        catch (ReplayFormatException e)
        {
            return new RecordResult(input, null, null, null, new MalformedRecord(input.Source, input.Line, e.Message));
        }

        var execution = ExecutionOptions.Deterministic(record.Seed);
        var after = candidate.Execute(record.Transaction, execution);
        var before = baseline?.Execute(record.Transaction, execution);
        var beforeJson = before is not null ? OutcomeJson.ToJsonObject(before, includeTimings: false) : record.RecordedOutcome;
        if (beforeJson is null)
        {
            return new RecordResult(input, record, after, before, null);
        }

        // Classifying and diffing here keeps the in-order fold cheap: it only counts.
        var afterJson = OutcomeJson.ToJsonObject(after, includeTimings: false);
        var @class = ReplayClassifier.Classify(beforeJson, afterJson);
        var change = @class == ReplayClass.Unchanged ? null
            : new ReplayChange(record.Source, record.Line, record.Id, @class,
                ReplayClassifier.Describe(beforeJson), ReplayClassifier.Describe(afterJson), ReplayClassifier.Diff(beforeJson, afterJson));
        return new RecordResult(input, record, after, before, null, @class, change);
    }

    private sealed record RecordResult(ReplayInput Input, ReplayRecord? Record, Outcome? Candidate, Outcome? Baseline, MalformedRecord? Malformed,
        ReplayClass? Class = null, ReplayChange? Change = null);

    /// <summary>The in-order fold of results into counts, kept changes and per-rule statistics.</summary>
    private sealed class Aggregate(ReplayOptions options)
    {
        private readonly Dictionary<ReplayClass, long> _counts = ReplayClasses.All.ToDictionary(c => c, _ => 0L);
        private readonly List<ReplayChange> _changes = [];
        private readonly List<MalformedRecord> _malformed = [];
        private readonly SideStats _candidate = new();
        private readonly SideStats _baseline = new();
        private long _omitted;
        private long _notCompared;

        public long Evaluated { get; private set; }

        public long Malformed { get; private set; }

        public void Add(RecordResult result)
        {
            if (result.Malformed is { } malformed)
            {
                Malformed++;
                if (_malformed.Count < options.MaxMalformedKept) _malformed.Add(malformed);
                return;
            }

            Evaluated++;
            var record = result.Record!;
            _candidate.Add(result.Candidate!);
            if (result.Baseline is { } baselineOutcome)
            {
                _baseline.Add(baselineOutcome);
            }
            else if (record.RecordedOutcome is { } recorded)
            {
                _baseline.AddRecorded(recorded);
            }

            if (result.Class is not { } @class)
            {
                _notCompared++;
                return;
            }
            _counts[@class]++;
            if (result.Change is not { } change)
            {
                return;
            }
            if (_changes.Count >= options.MaxChangesKept)
            {
                _omitted++;
                return;
            }
            _changes.Add(change);
        }

        public ReplaySummary ToSummary(string candidateVersion, string baselineName, bool stopped, TimeSpan elapsed) => new()
        {
            CandidateVersion = candidateVersion,
            Baseline = baselineName,
            Evaluated = Evaluated,
            NotCompared = _notCompared,
            Malformed = Malformed,
            Counts = _counts,
            Changes = _changes,
            ChangesOmitted = _omitted,
            MalformedRecords = _malformed,
            CandidateRules = _candidate.ToStats(),
            BaselineRules = _baseline.ToStats(),
            StoppedEarly = stopped,
            Elapsed = elapsed,
        };
    }

    /// <summary>Per-rule latency and failures of one side, in the order rules were first seen.</summary>
    private sealed class SideStats
    {
        private readonly Dictionary<string, (LatencyHistogram Latency, long Errors)> _rules = [];
        private readonly List<string> _order = [];

        public void Add(Outcome outcome)
        {
            foreach (var timing in outcome.Timings.Rules)
            {
                Entry(timing.Rule).Latency.Add(timing.Ms);
            }
            if (outcome.Kind is DenialKind.RuleError or DenialKind.Timeout or DenialKind.Limit)
            {
                CountError(outcome.Rule ?? "");
            }
        }

        public void AddRecorded(JsonObject outcome)
        {
            if (outcome["timings"]?["rules"] is JsonObject rules)
            {
                foreach (var (rule, ms) in rules)
                {
                    if (ms is JsonValue value && value.TryGetValue<double>(out var milliseconds))
                    {
                        Entry(rule).Latency.Add(milliseconds);
                    }
                }
            }
            if (ReplayClassifier.IsFailing(outcome))
            {
                CountError(outcome["rule"]?.ToString() ?? "");
            }
        }

        private void CountError(string rule)
        {
            var entry = Entry(rule);
            _rules[rule] = (entry.Latency, entry.Errors + 1);
        }

        private (LatencyHistogram Latency, long Errors) Entry(string rule)
        {
            if (!_rules.TryGetValue(rule, out var entry))
            {
                entry = (new LatencyHistogram(), 0);
                _rules[rule] = entry;
                _order.Add(rule);
            }
            return entry;
        }

        public IReadOnlyList<RuleStats> ToStats() => _order
            .Select(rule => (rule, entry: _rules[rule]))
            .Select(x => new RuleStats(x.rule, x.entry.Latency.Count, x.entry.Latency.Percentile(50), x.entry.Latency.Percentile(95), x.entry.Latency.Percentile(99), x.entry.Errors))
            .ToList();
    }
}
