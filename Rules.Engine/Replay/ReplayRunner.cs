using System.Collections.Concurrent;
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

    /// <summary>Replays every record <paramref name="reader"/> yields and reports progress by how far through the input it is.</summary>
    public ReplaySummary Run(ReplayLogReader reader, CancellationToken cancellation = default) =>
        Run(reader.Read(), () => reader.Fraction, cancellation);

    /// <summary>Replays <paramref name="inputs"/> against the candidate (and the baseline, when one was given) and classifies each change.</summary>
    /// <param name="inputs">The records, in log order.</param>
    /// <param name="fraction">How far through the input the run is, 0 to 1, for progress; null when unknown.</param>
    /// <param name="cancellation">Stops the run with <see cref="OperationCanceledException"/>.</param>
    public ReplaySummary Run(IEnumerable<ReplayInput> inputs, Func<double>? fraction = null, CancellationToken cancellation = default)
    {
        var started = Stopwatch.GetTimestamp();
        var aggregate = new Aggregate(_options);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.EffectiveThreads, CancellationToken = cancellation };
        var batchSize = Math.Max(1, _options.BatchSize);
        var stopped = false;

        // Three stages, each bounded to two batches in flight: reading the next batch and folding the previous one
        // overlap with evaluating the current one, and memory stays at a few batches whatever the log's size.
        using var read = new BlockingCollection<ReplayInput[]>(boundedCapacity: 2);
        using var evaluated = new BlockingCollection<RecordResult[]>(boundedCapacity: 2);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var reader = Task.Run(() =>
        {
            try
            {
                var batch = new List<ReplayInput>(batchSize);
                foreach (var input in inputs)
                {
                    batch.Add(input);
                    if (batch.Count == batchSize)
                    {
                        read.Add(batch.ToArray(), stop.Token);
                        batch.Clear();
                    }
                }
                if (batch.Count > 0)
                {
                    read.Add(batch.ToArray(), stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch
            {
                stop.Cancel();
                throw;
            }
            finally
            {
                read.CompleteAdding();
            }
        });
        var folder = Task.Run(() =>
        {
            try
            {
                foreach (var results in evaluated.GetConsumingEnumerable())
                {
                    if (stopped)
                    {
                        continue;
                    }
                    foreach (var result in results)
                    {
                        aggregate.Add(result);
                        if (result.Malformed is not null && _options.Strict)
                        {
                            stopped = true;
                            stop.Cancel();
                            break;
                        }
                    }
                    _options.Progress?.Invoke(new ReplayProgress(aggregate.Evaluated + aggregate.Malformed, fraction?.Invoke() ?? 0, Stopwatch.GetElapsedTime(started)));
                }
            }
            catch
            {
                // Stop the other stages so none waits forever on a full queue; the exception surfaces below.
                stop.Cancel();
                throw;
            }
        });

        try
        {
            foreach (var batch in read.GetConsumingEnumerable(stop.Token))
            {
                var results = new RecordResult[batch.Length];
                Parallel.For(0, batch.Length, parallel, i => results[i] = Evaluate(batch[i]));
                evaluated.Add(results, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellation.IsCancellationRequested)
        {
            // --strict stopped the run; what was folded so far is the answer.
        }
        finally
        {
            evaluated.CompleteAdding();
        }
        stop.Cancel();
        while (read.TryTake(out _))
        {
        }
        // GetResult rethrows the stage's own exception (an IOException reading the log), not an AggregateException.
        reader.GetAwaiter().GetResult();
        folder.GetAwaiter().GetResult();
        cancellation.ThrowIfCancellationRequested();

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
            return new RecordResult(new MalformedRecord(input.Source, input.Line, e.Message), default, null);
        }

        var execution = ExecutionOptions.Deterministic(record.Seed);
        var afterHttp = new ReplayHttpTransport(record.RecordedOutcome);
        var beforeHttp = new ReplayHttpTransport(record.RecordedOutcome);
        var after = candidate.Execute(record.Transaction, execution with { Http = afterHttp });
        var before = baseline?.Execute(record.Transaction, execution with { Http = beforeHttp });
        var beforeJson = before is not null ? OutcomeJson.ToComparisonObject(before) : record.RecordedOutcome;
        // Only what the fold needs leaves this method: a batch in flight must not hold outcomes and transactions.
        var afterSample = SideSample.Of(after);
        var beforeSample = before is not null ? SideSample.Of(before) : record.RecordedOutcome is { } recorded ? SideSample.Of(recorded) : (SideSample?)null;
        if (beforeJson is null)
        {
            return new RecordResult(null, afterSample, beforeSample);
        }
        if (afterHttp.NotReplayable || beforeHttp.NotReplayable)
        {
            // The rules asked the network something the record cannot answer: whatever they decided says nothing about the change.
            return new RecordResult(null, afterSample, beforeSample, NotReplayable: true);
        }

        // Classifying and diffing here keeps the in-order fold cheap: it only counts.
        var afterJson = OutcomeJson.ToComparisonObject(after);
        var @class = ReplayClassifier.Classify(beforeJson, afterJson);
        var change = @class == ReplayClass.Unchanged ? null
            : new ReplayChange(record.Source, record.Line, record.Id, @class,
                ReplayClassifier.Describe(beforeJson), ReplayClassifier.Describe(afterJson), ReplayClassifier.Diff(beforeJson, afterJson));
        return new RecordResult(null, afterSample, beforeSample, @class, change);
    }

    private sealed record RecordResult(MalformedRecord? Malformed, SideSample Candidate, SideSample? Baseline, ReplayClass? Class = null, ReplayChange? Change = null, bool NotReplayable = false);

    /// <summary>One side's per-rule timings for one record, and the rule that failed (error, timeout, limit), if any.</summary>
    private readonly record struct SideSample(IReadOnlyList<RuleTiming> Timings, string? FailedRule)
    {
        public static SideSample Of(Outcome outcome) =>
            new(outcome.Timings.Rules, outcome.Kind is DenialKind.RuleError or DenialKind.Timeout or DenialKind.Limit ? outcome.Rule ?? "" : null);

        public static SideSample Of(JsonObject recorded)
        {
            var timings = new List<RuleTiming>();
            if (recorded["timings"]?["rules"] is JsonObject rules)
            {
                foreach (var (rule, ms) in rules)
                {
                    if (ms is JsonValue value && value.TryGetValue<double>(out var milliseconds))
                    {
                        timings.Add(new RuleTiming(rule, milliseconds));
                    }
                }
            }
            return new SideSample(timings, ReplayClassifier.IsFailing(recorded) ? recorded["rule"]?.ToString() ?? "" : null);
        }
    }

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
        private long _notReplayable;

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
            _candidate.Add(result.Candidate);
            if (result.Baseline is { } baselineSample)
            {
                _baseline.Add(baselineSample);
            }

            if (result.NotReplayable)
            {
                _notReplayable++;
                return;
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
            NotReplayable = _notReplayable,
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

        public void Add(SideSample sample)
        {
            foreach (var timing in sample.Timings)
            {
                Entry(timing.Rule).Latency.Add(timing.Ms);
            }
            if (sample.FailedRule is { } rule)
            {
                CountError(rule);
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
