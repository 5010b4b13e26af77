using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Engine.Replay;
using Rules.Engine.Replay.Reporting;

namespace Rules.Engine.Tests.Replay;

public sealed class ReplayRunnerTests
{
    private const string Allow = "function (user, context, callback) { callback(null, user, context); }";

    // A rule whose outcome depends on everything replay pins: the clock, Math.random and global.
    private const string Nondeterministic = """
        function (user, context, callback) {
          global.seen = (global.seen || 0) + 1;
          context.idToken['https://x/r'] = Math.random();
          context.idToken['https://x/now'] = new Date().toISOString();
          context.idToken['https://x/seen'] = global.seen;
          callback(null, user, context);
        }
        """;

    private static ReplayInput Line(long line, string text) => new("log.jsonl", line, text);

    private static string Transaction(int i) =>
        $$"""{ "id": "rec-{{i}}", "transaction": { "user": { "user_id": "u{{i}}", "email_verified": {{(i % 3 == 0 ? "false" : "true")}} }, "context": { "clientID": "c" }, "now": "2026-11-{{1 + i % 28:D2}}T10:00:00Z" } }""";

    private static string ReplayJson(RulePipeline candidate, RulePipeline? baseline, IEnumerable<ReplayInput> inputs, int threads)
    {
        var summary = new ReplayRunner(candidate, baseline, new ReplayOptions { Threads = threads, BatchSize = 64 }).Run(inputs);
        using var writer = new StringWriter();
        new JsonReplayReporter(includeTimings: false).Write(summary, writer);
        return writer.ToString();
    }

    [Fact]
    public void Clock_random_and_global_are_pinned_per_record_so_two_rule_sets_agree_on_every_record()
    {
        using var candidate = PipelineFactory.Create(Nondeterministic);
        using var baseline = PipelineFactory.Create(Nondeterministic);
        var inputs = Enumerable.Range(1, 300).Select(i => Line(i, Transaction(i))).ToList();

        var summary = new ReplayRunner(candidate, baseline, new ReplayOptions { Threads = 4, BatchSize = 32 }).Run(inputs);

        summary.Evaluated.Should().Be(300);
        summary.Counts[ReplayClass.Unchanged].Should().Be(300);
    }

    [Fact]
    public void One_thread_and_four_threads_give_identical_json()
    {
        using var candidate = PipelineFactory.Create(Nondeterministic, """
            function (user, context, callback) {
              if (!user.email_verified && Math.random() < 0.5) return callback(new UnauthorizedError('verify ' + user.user_id));
              callback(null, user, context);
            }
            """);
        using var baseline = PipelineFactory.Create(Allow);
        var inputs = Enumerable.Range(1, 400).Select(i => Line(i, i % 97 == 0 ? "{ not json" : Transaction(i))).ToList();

        var one = ReplayJson(candidate, baseline, inputs, threads: 1);
        var four = ReplayJson(candidate, baseline, inputs, threads: 4);

        four.Should().Be(one);
        var json = JsonNode.Parse(one)!;
        json["malformed"]!.GetValue<long>().Should().Be(4);
        json["counts"]!["allow_to_deny"]!.GetValue<long>().Should().BeGreaterThan(0);
        json["changes"]!.AsArray().Select(c => c!["line"]!.GetValue<long>()).Should().BeInAscendingOrder("results are reported in log order");
    }

    [Fact]
    public void Malformed_records_are_counted_with_their_line_numbers_and_the_run_goes_on()
    {
        using var candidate = PipelineFactory.Create(Allow);
        var inputs = new[]
        {
            Line(1, Transaction(1)),
            Line(2, "{ \"id\": \"x\", \"transaction\": "),
            Line(3, "[1, 2]"),
            Line(5, "{ \"transaction\": { \"user\": \"bob\" } }"),
            Line(6, "{ \"transaction\": { \"user\": {} }, \"outcome\": { \"decision\": \"maybe\" } }"),
            Line(7, Transaction(7)),
        };

        var summary = new ReplayRunner(candidate, null).Run(inputs);

        summary.Evaluated.Should().Be(2);
        summary.Malformed.Should().Be(4);
        summary.MalformedRecords.Select(m => m.Line).Should().Equal(2, 3, 5, 6);
        summary.MalformedRecords[0].Message.Should().StartWith("not valid JSON");
        summary.MalformedRecords[2].Message.Should().Contain("\"user\" must be an object");
        summary.StoppedEarly.Should().BeFalse();
        summary.NotCompared.Should().Be(2, "no recorded outcome and no baseline");
    }

    [Fact]
    public void Strict_stops_at_the_first_malformed_record()
    {
        using var candidate = PipelineFactory.Create(Allow);
        var inputs = new[] { Line(1, Transaction(1)), Line(2, "nope"), Line(3, Transaction(3)), Line(4, "nope") };

        var summary = new ReplayRunner(candidate, null, new ReplayOptions { Strict = true }).Run(inputs);

        summary.StoppedEarly.Should().BeTrue();
        summary.Evaluated.Should().Be(1);
        summary.MalformedRecords.Should().ContainSingle().Which.Line.Should().Be(2);
    }

    [Fact]
    public void A_recorded_outcome_is_the_baseline_and_a_newly_failing_candidate_is_reported_with_its_rule_errors()
    {
        using var candidate = PipelineFactory.Create("function (user, context, callback) { null.boom; }");
        var record = """{ "id": "r1", "transaction": { "user": { "user_id": "u" }, "context": {} }, "outcome": { "decision": "allow", "idToken": {}, "accessToken": {}, "metadataUpdates": [], "timings": { "totalMs": 1, "rules": { "old": 0.5 } } } }""";

        var summary = new ReplayRunner(candidate, null).Run([Line(1, record)]);

        summary.Baseline.Should().Be("recorded");
        summary.Counts[ReplayClass.NewlyFailing].Should().Be(1);
        summary.Changes.Should().ContainSingle().Which.Name.Should().Be("r1");
        summary.CandidateRules.Should().ContainSingle().Which.Errors.Should().Be(1);
        summary.BaselineRules.Should().ContainSingle().Which.Rule.Should().Be("old");
    }

    [Fact]
    public void Plain_transaction_files_and_directories_are_read_as_records()
    {
        var directory = Directory.CreateTempSubdirectory("replay-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "b.json"), "{\n \"user\": { \"user_id\": \"b\" },\n \"context\": {}\n}");
            File.WriteAllText(Path.Combine(directory.FullName, "a.json"), """{ "user": { "user_id": "a" }, "context": {}, "outcome": { "decision": "deny" } }""");
            using var candidate = PipelineFactory.Create(Allow);

            var summary = new ReplayRunner(candidate, null).Run(new ReplayLogReader(directory.FullName));

            summary.Evaluated.Should().Be(2);
            summary.Counts[ReplayClass.DenyToAllow].Should().Be(1);
            summary.Changes[0].Source.Should().EndWith("a.json");
            summary.NotCompared.Should().Be(1);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Latency_percentiles_are_within_five_percent()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 1000; i++) histogram.Add(i / 100.0);
        histogram.Percentile(50).Should().BeApproximately(5.0, 0.26);
        histogram.Percentile(99).Should().BeApproximately(9.9, 0.5);
        new LatencyHistogram().Percentile(95).Should().Be(0);
    }
}
