using System.Text.Json.Nodes;
using System.Xml.Linq;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Cli;

public sealed class ReplayCommandTests : IDisposable
{
    private static readonly string Samples = Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples");
    private static readonly string SampleRules = Path.Combine(Samples, "rules");
    private static readonly string CandidateRules = Path.Combine(Samples, "candidate-rules");
    private static readonly string SampleLog = Path.Combine(Samples, "logs", "recorded-logins.jsonl");
    private static readonly string Transactions = Path.Combine(Samples, "transactions");

    private readonly TempRulesDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Record = """{"id":"r1","transaction":{"user":{"user_id":"u1","email_verified":true},"context":{"clientID":"c"},"now":"2026-11-02T10:00:00Z"},"outcome":{"decision":"allow","idToken":{},"accessToken":{},"metadataUpdates":[]}}""";

    private string Log(params string[] lines) => _dir.WriteOutside("log.jsonl", string.Join("\n", lines) + "\n");

    [Fact]
    public async Task Replaying_the_sample_log_with_the_rules_that_recorded_it_changes_nothing_and_exits_0()
    {
        var run = await CliRun.RunAsync("replay", "--rules", SampleRules, "--log", SampleLog, "--format", "json", "--no-timings");

        run.ExitCode.Should().Be(0, run.ToString());
        var json = run.Json();
        json["evaluated"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(10_000);
        json["changed"]!.GetValue<long>().Should().Be(0);
        json["malformed"]!.GetValue<long>().Should().Be(0);
    }

    [Fact]
    public async Task The_sample_candidate_opens_late_impersonations_and_changes_the_refusal_text()
    {
        var run = await CliRun.RunAsync("replay", "--rules", CandidateRules, "--log", SampleLog, "--format", "json", "--no-timings");

        run.ExitCode.Should().Be(1, run.ToString());
        var counts = run.Json()["counts"]!;
        counts["deny_to_allow"]!.GetValue<long>().Should().Be(64);
        counts["deny_changed"]!.GetValue<long>().Should().Be(458);
        foreach (var unchangedClass in new[] { "allow_to_deny", "claims_changed", "metadata_changed", "newly_failing" })
        {
            counts[unchangedClass]!.GetValue<long>().Should().Be(0, unchangedClass);
        }
        var opened = run.Json()["changes"]!.AsArray().First(c => c!["class"]!.GetValue<string>() == "deny_to_allow")!;
        opened["before"]!.GetValue<string>().Should().Contain("Impersonation only during support business hours");
        opened["after"]!.GetValue<string>().Should().Be("allow");
    }

    [Fact]
    public async Task Fail_on_chooses_which_classes_make_the_exit_code_1()
    {
        var log = Log(Record);
        _dir.Write("deny.js", "function (user, context, callback) { callback(new UnauthorizedError('closed')); }");

        (await CliRun.RunAsync("replay", "--rules", _dir.Rules, "--log", log)).ExitCode.Should().Be(1);
        (await CliRun.RunAsync("replay", "--rules", _dir.Rules, "--log", log, "--fail-on", "deny_to_allow,newly_failing")).ExitCode.Should().Be(0);
        (await CliRun.RunAsync("replay", "--rules", _dir.Rules, "--log", log, "--fail-on", "allow-to-deny")).ExitCode.Should().Be(1);
    }

    [Fact]
    public async Task The_table_shows_the_summary_and_each_change_with_a_diff()
    {
        _dir.Write("deny.js", "function (user, context, callback) { callback(new UnauthorizedError('closed')); }");

        var run = await CliRun.RunAsync("replay", "--rules", _dir.Rules, "--log", Log(Record));

        run.Stdout.Should().Contain("allow → deny").And.Contain("r1 [allow_to_deny]").And.Contain("  - allow").And.Contain("  + deny by 'deny' (rule_denied): closed");
        run.Stderr.Should().BeEmpty("no progress bar when stderr is not a terminal");
    }

    [Fact]
    public async Task An_empty_log_replays_nothing_and_exits_2_saying_so()
    {
        _dir.Write("allow.js", "function (user, context, callback) { callback(null, user, context); }");
        var log = _dir.WriteOutside("empty.jsonl", "");

        var run = await CliRun.RunAsync("replay", "--rules", _dir.Rules, "--log", log);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("holds no records, so nothing was replayed");
    }

    [Fact]
    public async Task A_log_in_which_every_record_is_malformed_exits_2_not_nothing_changed()
    {
        _dir.Write("allow.js", "function (user, context, callback) { callback(null, user, context); }");
        var log = Log("{ broken", "{\"id\":\"x\"}", "[]");

        foreach (var format in new[] { "table", "json", "junit" })
        {
            var run = await CliRun.RunAsync("replay", "--rules", _dir.Rules, "--log", log, "--format", format);

            run.ExitCode.Should().Be(2, run.ToString());
            run.Stderr.Should().Contain("none of the 3 record(s)").And.Contain("could be replayed: every one is malformed").And.Contain("log.jsonl:1:");
        }
    }

    [Fact]
    public async Task A_malformed_line_is_reported_with_its_number_and_counted_and_strict_exits_2()
    {
        _dir.Write("allow.js", "function (user, context, callback) { callback(null, user, context); }");
        var log = Log(Record, "{ broken", Record);

        var lenient = await CliRun.RunAsync("replay", "--rules", _dir.Rules, "--log", log, "--format", "json");
        lenient.ExitCode.Should().Be(0, lenient.ToString());
        lenient.Json()["malformed"]!.GetValue<long>().Should().Be(1);
        lenient.Json()["malformedRecords"]![0]!["line"]!.GetValue<long>().Should().Be(2);
        lenient.Stderr.Should().Contain("log.jsonl:2: not valid JSON");

        var strict = await CliRun.RunAsync("replay", "--rules", _dir.Rules, "--log", log, "--strict");
        strict.ExitCode.Should().Be(2, strict.ToString());
        strict.Stderr.Should().Contain("log.jsonl:2:").And.Contain("--strict");
    }

    [Theory]
    [InlineData("--log", "does-not-exist.jsonl")]
    [InlineData("--fail-on", "everything")]
    [InlineData("--against", "no-such-rules-dir")]
    [InlineData("--format", "xml")]
    public async Task Bad_input_exits_2(string option, string value)
    {
        _dir.Write("allow.js", "function (user, context, callback) { callback(null, user, context); }");
        var args = new List<string> { "replay", "--rules", _dir.Rules, "--log", Log(Record) };
        var at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = Path.Combine(_dir.Root, value); else args.AddRange([option, value]);

        var run = await CliRun.RunAsync([.. args]);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("error");
    }

    [Fact]
    public async Task Against_a_baseline_one_and_four_threads_print_identical_json()
    {
        var one = await CliRun.RunAsync("replay", "--rules", CandidateRules, "--log", Transactions, "--against", SampleRules, "--format", "json", "--no-timings", "--threads", "1");
        var four = await CliRun.RunAsync("replay", "--rules", CandidateRules, "--log", Transactions, "--against", SampleRules, "--format", "json", "--no-timings", "--threads", "4");

        one.ExitCode.Should().Be(four.ExitCode);
        four.Stdout.Should().Be(one.Stdout);
        one.Json()["baseline"]!.GetValue<string>().Should().NotBe("recorded");
        one.Json()["evaluated"]!.GetValue<long>().Should().Be(Directory.GetFiles(Transactions, "*.json").Length);
    }

    [Fact]
    public async Task Junit_and_the_html_report()
    {
        _dir.Write("deny.js", "function (user, context, callback) { callback(new UnauthorizedError('<closed>')); }");
        var report = Path.Combine(_dir.Root, "replay.html");

        var run = await CliRun.RunAsync("replay", "--rules", _dir.Rules, "--log", Log(Record), "--format", "junit", "--report", report);

        run.ExitCode.Should().Be(1);
        XDocument.Parse(run.Stdout).Descendants("testcase").Should().ContainSingle().Which.Attribute("name")!.Value.Should().Be("r1");
        File.ReadAllText(report).Should().Contain("<svg").And.Contain("&lt;closed&gt;").And.NotContain("<closed>");
    }

    [Fact]
    public async Task Help_carries_runnable_examples()
    {
        var run = await CliRun.RunAsync("replay", "--help");
        run.Stdout.Should().Contain("rules replay --rules Rules.Samples/candidate-rules --log Rules.Samples/logs/recorded-logins.jsonl")
            .And.Contain("--fail-on").And.Contain("Exit codes");
    }
}
