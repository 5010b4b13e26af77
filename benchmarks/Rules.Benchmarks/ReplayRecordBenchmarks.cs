using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.Replay;
using Rules.Engine.RuleSets;

namespace Rules.Benchmarks;

/// <summary>
/// Where one replayed record's time goes (issue 19), per record over the first 1,000 records of the sample log with
/// the candidate rules, one thread: parsing the record, running the rules, comparing the outcome with the recorded
/// one, and the whole record as the runner evaluates it. The Nodes rows are the parse and comparison replay used
/// before it read records in place (ReplayRecord.Parse's node trees, OutcomeJson.ToComparisonObject and the node
/// classifier), kept so the two can be measured side by side.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(BenchmarkJobs.Pipeline))]
public class ReplayRecordBenchmarks
{
    private const int Records = 1_000;
    private RulePipeline _candidate = null!;
    private ReplayInput[] _inputs = null!;
    private byte[][] _bytes = null!;
    private LoginTransaction[] _transactions = null!;
    private ulong[] _seeds = null!;
    private Outcome[] _outcomes = null!;
    private readonly ComparisonDocumentWriter _writer = new();

    [GlobalSetup]
    public void Setup()
    {
        var root = BenchmarkData.FindRepositoryRoot() ?? throw new InvalidOperationException("run from the repository: the sample log is needed");
        var samples = Path.Combine(root, "Rules.Samples");
        var compilation = RuleCompiler.Compile(RuleSetDirectory.Load(Path.Combine(samples, "candidate-rules")));
        _candidate = new RulePipeline(compilation.Compiled!);
        _inputs = new ReplayLogReader(Path.Combine(samples, "logs", "recorded-logins.jsonl")).Read().Take(Records).ToArray();
        _bytes = _inputs.Select(i => Encoding.UTF8.GetBytes(i.Text)).ToArray();
        var parsed = _inputs.Select(ReplayRecord.Parse).ToArray();
        _transactions = parsed.Select(p => p.Transaction).ToArray();
        _seeds = parsed.Select(p => p.Seed).ToArray();
        _outcomes = _transactions.Select((t, i) => _candidate.Execute(t, ExecutionOptions.Deterministic(_seeds[i]))).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _candidate.Dispose();

    /// <summary>Replay's own work on a record before this change: parse to nodes (user and context cloned), outcome to a node tree, classify trees.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public int ParseAndCompareNodes()
    {
        var n = 0;
        for (var i = 0; i < _inputs.Length; i++)
        {
            var record = ReplayRecord.Parse(_inputs[i]);
            n += record.Transaction.User.Count + record.Transaction.Context.Count;
            n += (int)ReplayClassifier.Classify(record.RecordedOutcome!, OutcomeJson.ToComparisonObject(_outcomes[i]));
        }
        return n;
    }

    /// <summary>The same work now: one JsonDocument per record, nodes over it, the outcome's JSON in a reused buffer, classify elements.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public int ParseAndCompareInPlace()
    {
        var n = 0;
        for (var i = 0; i < _bytes.Length; i++)
        {
            using var record = ParsedReplayRecord.Parse(_bytes[i]);
            n += record.Transaction.User.Count + record.Transaction.Context.Count;
            using var after = _writer.Parse(_outcomes[i]);
            n += (int)ReplayClassifier.Classify(record.RecordedOutcome!.Value, after.RootElement);
        }
        return n;
    }

    /// <summary>The rules alone: RulePipeline.Execute with replay's options (seeded Math.random, fresh global).</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public int RunRules()
    {
        var n = 0;
        for (var i = 0; i < _transactions.Length; i++)
        {
            n += (int)_candidate.Execute(_transactions[i], ExecutionOptions.Deterministic(_seeds[i])).Decision;
        }
        return n;
    }

    /// <summary>Everything the runner does per record on one thread: reading, parsing, rules, comparing, folding.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long WholeRecord()
    {
        var summary = new ReplayRunner(_candidate, null, new ReplayOptions { Threads = 1, BatchSize = Records }).Run(_inputs);
        return summary.Evaluated;
    }
}
