using System.Text;
using System.Text.Json.Nodes;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.Replay;
using Rules.Engine.RuleSets;

namespace Rules.Engine.Tests.Replay;

/// <summary>
/// Replay classifies every record on JsonElements read in place (the recorded outcome inside the record's document, the
/// candidate's comparison JSON in a reused buffer) instead of node trees. The node-tree classifier is the oracle: over
/// every record of the sample log, and over recorded and candidate outcomes paired across records (so that every class
/// turns up), both must give the same class; and a whole run must report exactly what the node-tree path reports.
/// </summary>
public sealed class ReplayClassifierAgreementTests : IClassFixture<ReplayClassifierAgreementTests.SampleLog>
{
    private readonly SampleLog _log;

    public ReplayClassifierAgreementTests(SampleLog log) => _log = log;

    [Fact]
    public void Every_sample_record_gets_the_same_class_from_elements_as_from_nodes()
    {
        var writer = new ComparisonDocumentWriter();
        var seen = new HashSet<ReplayClass>();
        foreach (var (line, recorded, outcome) in _log.Records)
        {
            using var parsed = ParsedReplayRecord.Parse(Encoding.UTF8.GetBytes(line));
            using var candidate = writer.Parse(outcome);

            var expected = ReplayClassifier.Classify(recorded, OutcomeJson.ToComparisonObject(outcome));
            ReplayClassifier.Classify(parsed.RecordedOutcome!.Value, candidate.RootElement).Should().Be(expected, line);
            seen.Add(expected);
        }
        seen.Should().Contain([ReplayClass.Unchanged, ReplayClass.DenyToAllow], "the sample log's change (a longer support shift) must be among the records");
    }

    [Fact]
    public void Outcomes_paired_across_records_get_the_same_class_both_ways_round()
    {
        var random = new Random(19);
        var records = _log.Records;
        var before = new ComparisonDocumentWriter();
        var after = new ComparisonDocumentWriter();
        var seen = new HashSet<ReplayClass>();
        for (var n = 0; n < 20_000; n++)
        {
            var (_, recordedA, outcomeA) = records[random.Next(records.Count)];
            var (lineB, recordedB, outcomeB) = records[random.Next(records.Count)];
            using var parsedB = ParsedReplayRecord.Parse(Encoding.UTF8.GetBytes(lineB));
            using var a = before.Parse(outcomeA);
            using var b = after.Parse(outcomeB);

            // Candidate against candidate (what --against compares) and recorded against candidate, in both directions.
            Agree(OutcomeJson.ToComparisonObject(outcomeA), OutcomeJson.ToComparisonObject(outcomeB), a.RootElement, b.RootElement, seen);
            Agree(recordedB, OutcomeJson.ToComparisonObject(outcomeA), parsedB.RecordedOutcome!.Value, a.RootElement, seen);
            Agree(OutcomeJson.ToComparisonObject(outcomeA), recordedB, a.RootElement, parsedB.RecordedOutcome!.Value, seen);
        }
        seen.Should().Contain([ReplayClass.Unchanged, ReplayClass.AllowToDeny, ReplayClass.DenyToAllow, ReplayClass.DenyChanged, ReplayClass.ClaimsChanged, ReplayClass.MetadataChanged]);
    }

    [Fact]
    public void A_run_reports_what_the_node_tree_path_reports_record_by_record()
    {
        var summary = new ReplayRunner(_log.Candidate, null, new ReplayOptions { Threads = 2, BatchSize = 512 }).Run(new ReplayLogReader(_log.Path));

        var expectedCounts = ReplayClasses.All.ToDictionary(c => c, _ => 0L);
        var expectedChanges = new List<ReplayChange>();
        foreach (var (input, recorded, outcome) in _log.Inputs.Zip(_log.Records, (input, record) => (input, record.Recorded, record.Outcome)))
        {
            var record = ReplayRecord.Parse(input);
            var after = OutcomeJson.ToComparisonObject(outcome);
            var @class = ReplayClassifier.Classify(recorded, after);
            expectedCounts[@class]++;
            if (@class != ReplayClass.Unchanged)
            {
                expectedChanges.Add(new ReplayChange(record.Source, record.Line, record.Id, @class,
                    ReplayClassifier.Describe(recorded), ReplayClassifier.Describe(after), ReplayClassifier.Diff(recorded, after)));
            }
        }

        summary.Evaluated.Should().Be(_log.Records.Count);
        summary.Malformed.Should().Be(0);
        summary.Counts.Should().BeEquivalentTo(expectedCounts);
        summary.Changes.Should().HaveCount(expectedChanges.Count);
        for (var i = 0; i < expectedChanges.Count; i++)
        {
            var (actual, expected) = (summary.Changes[i], expectedChanges[i]);
            actual.Should().BeEquivalentTo(expected with { Diff = [] }, o => o.Excluding(c => c.Diff));
            actual.Diff.Should().Equal(expected.Diff);
        }
    }

    public static TheoryData<string, string> EdgePairs() => new()
    {
        { """{ "decision": "allow", "idToken": { "a": 1.0, "b": "\u0041" }, "accessToken": {}, "metadataUpdates": [] }""", """{ "decision": "allow", "idToken": { "b": "A", "a": 1 }, "accessToken": {}, "metadataUpdates": [] }""" },
        { """{ "decision": "allow", "idToken": null, "mfa": null }""", """{ "decision": "allow" }""" },
        { """{ "decision": "allow", "accessToken": { "scope": ["a", "b"] } }""", """{ "decision": "allow", "accessToken": { "scope": ["b", "a"] } }""" },
        { """{ "decision": "deny", "rule": "r", "kind": 5 }""", """{ "decision": "deny", "rule": "r", "kind": "rule_denied" }""" },
        { """{ "decision": "deny", "rule": "r", "kind": 5 }""", """{ "decision": "deny", "rule": "r", "kind": "rule_error" }""" },
        { """{ "decision": "deny", "rule": "r", "kind": { "x": 1 } }""", """{ "decision": "deny", "rule": "r", "kind": "timeout" }""" },
        { """{ "decision": "deny", "rule": "r", "kind": null }""", """{ "decision": "deny", "rule": "r", "kind": "limit" }""" },
        { """{ "decisio\u006e": "redirect", "rule": "r", "url": "https://x/" }""", """{ "decision": "redirect", "rule": "r", "url": "https://x/" }""" },
        { """{ "decision": "redirect", "rule": "r", "url": "https://x/" }""", """{ "decision": "deny", "rule": "r", "kind": "rule_denied" }""" },
        { """{ "decision": null }""", """{ "decision": "allow" }""" },
        { """{ "decision": 1 }""", """{ "decision": "allow" }""" },
        { """{ "decision": "allow", "mfa": { "provider": "any", "allowRememberBrowser": false } }""", """{ "decision": "allow", "mfa": { "allowRememberBrowser": false, "provider": "any" } }""" },
        { """{ "decision": "allow", "metadataUpdates": [{ "metadata": { "n": 1e2 } }] }""", """{ "decision": "allow", "metadataUpdates": [{ "metadata": { "n": 100 } }] }""" },
    };

    [Theory]
    [MemberData(nameof(EdgePairs))]
    public void Hand_made_pairs_get_the_same_class_or_the_same_exception_type(string before, string after)
    {
        foreach (var (b, a) in new[] { (before, after), (after, before) })
        {
            var expected = Outcome(() => ReplayClassifier.Classify(JsonNode.Parse(b)!.AsObject(), JsonNode.Parse(a)!.AsObject()));
            using var bDoc = System.Text.Json.JsonDocument.Parse(b);
            using var aDoc = System.Text.Json.JsonDocument.Parse(a);
            Outcome(() => ReplayClassifier.Classify(bDoc.RootElement, aDoc.RootElement)).Should().Be(expected, $"{b} -> {a}");
        }
    }

    private static string Outcome(Func<ReplayClass> classify)
    {
        try
        {
            return classify().ToString();
        }
        catch (Exception e)
        {
            return e.GetType().Name;
        }
    }

    private static void Agree(JsonObject beforeNode, JsonObject afterNode, System.Text.Json.JsonElement before, System.Text.Json.JsonElement after, HashSet<ReplayClass> seen)
    {
        var expected = ReplayClassifier.Classify(beforeNode, afterNode);
        ReplayClassifier.Classify(before, after).Should().Be(expected, $"{beforeNode.ToJsonString()} -> {afterNode.ToJsonString()}");
        seen.Add(expected);
    }

    /// <summary>The sample log, and each record's recorded outcome (as the node-tree parse reads it) and candidate outcome, run once for the class.</summary>
    public sealed class SampleLog : IDisposable
    {
        public SampleLog()
        {
            var samples = SampleRuleSetTests.SampleRuleSet.SamplesDirectory;
            Path = System.IO.Path.Combine(samples, "logs", "recorded-logins.jsonl");
            var compilation = RuleCompiler.Compile(RuleSetDirectory.Load(System.IO.Path.Combine(samples, "candidate-rules")));
            Candidate = new RulePipeline(compilation.Compiled!);
            Inputs = new ReplayLogReader(Path).Read().ToList();
            Records = Inputs.AsParallel().AsOrdered().Select(input =>
            {
                var record = ReplayRecord.Parse(input);
                var outcome = Candidate.Execute(record.Transaction, ExecutionOptions.Deterministic(record.Seed));
                return (input.Text, record.RecordedOutcome!, outcome);
            }).ToList();
        }

        public string Path { get; }

        public RulePipeline Candidate { get; }

        public List<ReplayInput> Inputs { get; }

        public List<(string Line, JsonObject Recorded, Outcome Outcome)> Records { get; }

        public void Dispose() => Candidate.Dispose();
    }
}
