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
        Run(reader.ReadBatches, () => reader.Fraction, cancellation);

    /// <summary>Replays <paramref name="inputs"/> against the candidate (and the baseline, when one was given) and classifies each change.</summary>
    /// <param name="inputs">The records, in log order.</param>
    /// <param name="fraction">How far through the input the run is, 0 to 1, for progress; null when unknown.</param>
    /// <param name="cancellation">Stops the run with <see cref="OperationCanceledException"/>.</param>
    public ReplaySummary Run(IEnumerable<ReplayInput> inputs, Func<double>? fraction = null, CancellationToken cancellation = default) =>
        Run(pool => pool.Batch(inputs), fraction, cancellation);

    private ReplaySummary Run(Func<ReplayBatchPool, IEnumerable<ReplayBatch>> batches, Func<double>? fraction, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        var aggregate = new Aggregate(_options);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.EffectiveThreads, CancellationToken = cancellation };
        var pool = new ReplayBatchPool(Math.Max(1, _options.BatchSize), BytesPerBatch);
        var stopped = false;

        // Three stages, each bounded to two batches in flight: reading the next batch and folding the previous one
        // overlap with evaluating the current one, and memory stays at a few batches whatever the log's size. A batch
        // goes back to the pool once folded, so its buffers serve the next one.
        using var read = new BlockingCollection<ReplayBatch>(boundedCapacity: 2);
        using var evaluated = new BlockingCollection<ReplayBatch>(boundedCapacity: 2);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var reader = Task.Run(() =>
        {
            try
            {
                foreach (var batch in batches(pool))
                {
                    read.Add(batch, stop.Token);
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
                foreach (var batch in evaluated.GetConsumingEnumerable())
                {
                    if (stopped)
                    {
                        continue;
                    }
                    var results = batch.Results;
                    for (var i = 0; i < batch.Count; i++)
                    {
                        var result = results[i];
                        aggregate.Add(result);
                        if (result.Malformed is not null && _options.Strict)
                        {
                            stopped = true;
                            stop.Cancel();
                            break;
                        }
                    }
                    pool.Return(batch);
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
                var results = batch.PrepareResults();
                Parallel.For(0, batch.Count, parallel, i => results[i] = Evaluate(batch, i));
                evaluated.Add(batch, stop.Token);
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

    /// <summary>A batch goes to the workers at BatchSize records or this many bytes, whichever comes first, so large records do not make large batches.</summary>
    private const int BytesPerBatch = 8 << 20;

    [ThreadStatic]
    private static ComparisonDocumentWriter? t_candidateJson;

    [ThreadStatic]
    private static ComparisonDocumentWriter? t_baselineJson;

    private ReplayRecordResult Evaluate(ReplayBatch batch, int index)
    {
        var entry = batch[index];
        ParsedReplayRecord record;
        try
        {
            record = ParsedReplayRecord.Parse(batch.Text(index));
        }
        catch (ReplayFormatException e)
        {
            return new ReplayRecordResult(new MalformedRecord(entry.Source, entry.Line, e.Message), default, null);
        }
        using (record)
        {
            return Evaluate(record, entry);
        }
    }

    private ReplayRecordResult Evaluate(ParsedReplayRecord record, ReplayBatch.Entry entry)
    {
        var execution = ExecutionOptions.Deterministic(record.Seed(entry.Line));
        var afterHttp = new ReplayHttpTransport(record.RecordedOutcome);
        var beforeHttp = baseline is null ? null : new ReplayHttpTransport(record.RecordedOutcome);
        var after = candidate.Execute(record.Transaction, execution with { Http = afterHttp });
        var before = baseline?.Execute(record.Transaction, execution with { Http = beforeHttp });
        // Only what the fold needs leaves this method: a batch in flight must not hold outcomes and transactions.
        var afterSample = SideSample.Of(after);
        var beforeSample = before is not null ? SideSample.Of(before) : record.RecordedOutcome is { } recorded ? SideSample.Of(recorded) : (SideSample?)null;
        if (before is null && record.RecordedOutcome is null)
        {
            return new ReplayRecordResult(null, afterSample, beforeSample);
        }
        if (afterHttp.NotReplayable || beforeHttp?.NotReplayable == true)
        {
            // The rules asked the network something the record cannot answer: whatever they decided says nothing about the change.
            return new ReplayRecordResult(null, afterSample, beforeSample, NotReplayable: true);
        }

        // Classifying here keeps the in-order fold cheap: it only counts. Both sides are read in place (the recorded
        // outcome from the record's own document); node trees are built only for a change's description and diff.
        using var beforeDocument = before is not null ? (t_baselineJson ??= new()).Parse(before) : null;
        using var afterDocument = (t_candidateJson ??= new()).Parse(after);
        var beforeJson = beforeDocument?.RootElement ?? record.RecordedOutcome!.Value;
        var @class = ReplayClassifier.Classify(beforeJson, afterDocument.RootElement);
        if (@class == ReplayClass.Unchanged)
        {
            return new ReplayRecordResult(null, afterSample, beforeSample, @class);
        }
        var beforeNode = JsonObject.Create(beforeJson)!;
        var afterNode = JsonObject.Create(afterDocument.RootElement)!;
        var change = new ReplayChange(entry.Source, entry.Line, record.Id, @class,
            ReplayClassifier.Describe(beforeNode), ReplayClassifier.Describe(afterNode), ReplayClassifier.Diff(beforeNode, afterNode));
        return new ReplayRecordResult(null, afterSample, beforeSample, @class, change);
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

        public void Add(ReplayRecordResult result)
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
