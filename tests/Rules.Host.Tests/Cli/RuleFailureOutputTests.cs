namespace Rules.Host.Tests.Cli;

/// <summary>eval and test print a failing rule the same way: rule, file:line:col, message, the line, a caret.</summary>
public sealed class RuleFailureOutputTests : IDisposable
{
    private readonly TempRulesDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Eval_and_test_show_the_failing_line_with_a_caret()
    {
        var file = _dir.Write("plan.js", "function (user, context, callback) {\n  const plan = user.app_metadata.plan;\n  callback(null, user, context);\n}\n");
        var login = _dir.WriteOutside("login.json", """{ "user": { "user_id": "u" } }""");
        _dir.Write("tests/plan.json", """{ "cases": [ { "name": "no metadata", "user": { "user_id": "u" }, "expect": { "decision": "allow" } } ] }""");
        string[] expected =
        [
            $"rule 'plan' failed: {file}:2:34: TypeError: Cannot read properties of undefined (reading 'plan'): user.app_metadata is undefined",
            "      const plan = user.app_metadata.plan;",
            "    " + new string(' ', 33) + "^",
        ];

        var eval = await CliRun.RunAsync("eval", "--rules", _dir.Rules, "--transaction", login);
        var test = await CliRun.RunAsync("test", _dir.Rules);

        eval.ExitCode.Should().Be(1, eval.ToString());
        eval.StderrLines.Should().Equal(expected, eval.ToString());
        test.ExitCode.Should().Be(1, test.ToString());
        test.StdoutLines.Select(l => l.Length >= 6 ? l[6..] : l).Should().ContainInOrder(expected);
    }

    [Fact]
    public async Task A_tripped_limit_names_the_limit_and_its_value()
    {
        _dir.Write("loop.js", "function (user, context, callback) {\n  var n = [];\n  while (true) { n.push(n.length); }\n}\n");
        _dir.Write("tests/loop.json", """{ "cases": [ { "name": "loops", "user": { "user_id": "u" }, "expect": { "decision": "allow" } } ] }""");

        var run = await CliRun.RunAsync("test", _dir.Rules);

        run.ExitCode.Should().Be(1, run.ToString());
        run.Stdout.Should().Contain("actual: deny by rule 'loop' (limit, access_denied)");
        run.Stdout.Should().MatchRegex(@"rule 'loop' failed: .*loop\.js: sandbox limit (MaxArraySize|MemoryLimitBytes|MaxStatements) tripped: .*[0-9,]+", run.ToString());
    }
}
