using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Cli;

public sealed class TestCommandTests : IDisposable
{
    private const string Rule = """
        function (user, context, callback) {
          if (user.blocked) {
            return callback(new UnauthorizedError('blocked'));
          }
          context.idToken['https://example.com/plan'] = user.plan || 'free';
          callback(null, user, context);
        }
        """;

    private const string Cases = """
        {
          "base": { "user": { "user_id": "auth0|1", "plan": "pro" } },
          "cases": [
            { "name": "allowed with plan", "expect": { "decision": "allow", "idToken": { "https://example.com/plan": "pro" } } },
            { "name": "blocked", "user": { "blocked": true }, "expect": { "decision": "deny", "rule": "plan", "error": "unauthorized" } }
          ]
        }
        """;

    private readonly TempRulesDirectory _dir = new();

    public TestCommandTests()
    {
        _dir.Write("plan.js", Rule);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task All_cases_passing_exits_0_and_ends_with_the_count_line()
    {
        _dir.Write("tests/plan.json", Cases);

        var run = await CliRun.RunAsync("test", _dir.Rules);

        run.ExitCode.Should().Be(0, run.ToString());
        run.StdoutLines.Should().Equal("PASS  plan/allowed with plan", "PASS  plan/blocked", "2 passed, 0 failed");
        run.Stderr.Should().BeEmpty();
    }

    [Fact]
    public async Task A_failing_case_exits_1_with_the_diff()
    {
        _dir.Write("tests/plan.json", Cases.Replace("\"pro\" } } }", "\"team\" } } }"));

        var run = await CliRun.RunAsync("test", _dir.Rules);

        run.ExitCode.Should().Be(1, run.ToString());
        run.Stdout.Should().Contain("FAIL  plan/allowed with plan");
        run.Stdout.Should().Contain("idToken[\"https://example.com/plan\"]: expected \"team\", got \"pro\"");
        run.StdoutLines[^1].Should().Be("1 passed, 1 failed");
    }

    [Fact]
    public async Task A_malformed_case_file_exits_2_naming_file_and_line()
    {
        var file = _dir.Write("tests/plan.json", "{ \"cases\": [\n  { \"name\": \"a\", \"user\": {}, \"expect\": { \"decision\": \"allow\" } },\n  { \"name\": \"b\" }\n] }");

        var run = await CliRun.RunAsync("test", _dir.Rules);

        run.ExitCode.Should().Be(2, run.ToString());
        run.StderrLines.Should().ContainSingle().Which.Should().Be($"error: {file}:3: case \"b\" needs an \"expect\" object, e.g. {{ \"decision\": \"allow\" }}");
        run.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Invalid_json_exits_2_with_the_line()
    {
        var file = _dir.Write("tests/plan.json", "{ \"cases\": [\n  { \"name\": \"a\", }\n  oops\n] }");

        var run = await CliRun.RunAsync("test", _dir.Rules);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().StartWith($"error: {file}:3: not valid JSON");
    }

    [Fact]
    public async Task No_cases_and_a_bad_run_regex_are_bad_input()
    {
        (await CliRun.RunAsync("test", _dir.Rules)).ExitCode.Should().Be(2);

        _dir.Write("tests/plan.json", Cases);
        var badRegex = await CliRun.RunAsync("test", _dir.Rules, "--run", "(");
        badRegex.ExitCode.Should().Be(2, badRegex.ToString());
        badRegex.Stderr.Should().Contain("--run '(' is not a valid regular expression");

        var noMatch = await CliRun.RunAsync("test", _dir.Rules, "--run", "nothing-like-this");
        noMatch.ExitCode.Should().Be(2, noMatch.ToString());
        noMatch.Stderr.Should().Contain("case ids are file/name, e.g. 'plan/allowed with plan'");
    }

    [Fact]
    public async Task Run_selects_cases_by_regex()
    {
        _dir.Write("tests/plan.json", Cases);

        var run = await CliRun.RunAsync("test", _dir.Rules, "--run", "block");

        run.ExitCode.Should().Be(0, run.ToString());
        run.StdoutLines.Should().Equal("PASS  plan/blocked", "1 passed, 0 failed");
    }

    [Fact]
    public async Task Json_format_prints_one_object()
    {
        _dir.Write("tests/plan.json", Cases);

        var run = await CliRun.RunAsync("test", _dir.Rules, "--format", "json", "--coverage");

        run.ExitCode.Should().Be(0, run.ToString());
        var json = run.Json();
        json["passed"]!.GetValue<int>().Should().Be(2);
        json["failed"]!.GetValue<int>().Should().Be(0);
        json["coverage"]!["percent"]!.GetValue<double>().Should().Be(100);
    }

    [Fact]
    public async Task Coverage_prints_per_rule_lines_and_coverage_min_fails_below_it()
    {
        _dir.Write("tests/plan.json", Cases.Replace(",\n    { \"name\": \"blocked\", \"user\": { \"blocked\": true }, \"expect\": { \"decision\": \"deny\", \"rule\": \"plan\", \"error\": \"unauthorized\" } }", ""));

        var covered = await CliRun.RunAsync("test", _dir.Rules, "--coverage");
        covered.ExitCode.Should().Be(0, covered.ToString());
        covered.Stdout.Should().Contain("75.0%  3/4 lines  plan (").And.Contain("never reached: 3");
        covered.StdoutLines[^1].Should().Be("1 passed, 0 failed");

        var tooLow = await CliRun.RunAsync("test", _dir.Rules, "--coverage-min", "80");
        tooLow.ExitCode.Should().Be(1, tooLow.ToString());
        tooLow.Stderr.Should().Contain("coverage 75.0% is below --coverage-min 80%");

        var enough = await CliRun.RunAsync("test", _dir.Rules, "--coverage-min", "75");
        enough.ExitCode.Should().Be(0, enough.ToString());

        (await CliRun.RunAsync("test", _dir.Rules, "--coverage-min", "120")).ExitCode.Should().Be(2);
    }

    [Fact]
    public async Task A_rule_set_that_does_not_compile_is_bad_input()
    {
        _dir.Write("broken.js", "function (user, context, callback) { var x = ; }");
        _dir.Write("tests/plan.json", Cases);

        var run = await CliRun.RunAsync("test", _dir.Rules);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("broken.js:1:");
    }

    [Fact]
    public async Task The_sample_rule_set_passes_its_own_cases_at_full_coverage()
    {
        var rules = Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples", "rules");

        var run = await CliRun.RunAsync("test", rules, "--coverage-min", "100");

        run.ExitCode.Should().Be(0, run.ToString());
        run.StdoutLines[^1].Should().MatchRegex(@"^\d+ passed, 0 failed$");
    }

    [Fact]
    public async Task Help_shows_examples()
    {
        var run = await CliRun.RunAsync("test", "--help");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("rules test Rules.Samples/rules").And.Contain("--coverage-min");
    }
}
