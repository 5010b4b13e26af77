namespace Rules.Host.Tests.Cli;

public sealed class CheckCommandLintTests : IDisposable
{
    private readonly TempRulesDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Lint_warnings_are_printed_as_file_line_col_and_do_not_fail_the_check()
    {
        var file = _dir.Write("claims.js", """
            function (user, context, callback) {
              context.idToken.sub = 'someone-else';
              callback(null, user, context);
            }
            """);

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(0, run.ToString());
        run.StderrLines[0].Should().StartWith($"{file}:2:19: warning: 'sub' is a reserved claim").And.EndWith("[reserved-claim]");
        run.StderrLines[1].Should().Be("      context.idToken.sub = 'someone-else';");
        run.StdoutLines[^1].Should().EndWith(", 1 warning(s)");
    }

    [Fact]
    public async Task Strict_turns_warnings_into_errors_and_exits_1()
    {
        var file = _dir.Write("req.js", """
            function (user, context, callback) {
              var lodash = require('lodash');
              callback(null, user, context);
            }
            """);

        var run = await CliRun.RunAsync("check", "--strict", _dir.Rules);

        run.ExitCode.Should().Be(1, run.ToString());
        run.Stderr.Should().Contain($"{file}:2:16: error: require() is not available");
        run.Stderr.Should().Contain("1 lint error(s) in 1 rule(s) (--strict)");
    }

    [Fact]
    public async Task Strict_passes_a_clean_rule_set_such_as_the_samples()
    {
        var rules = Path.Combine(Http.RulesHostFactory.RepositoryRoot, "Rules.Samples", "rules");

        var run = await CliRun.RunAsync("check", "--strict", rules);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stderr.Should().BeEmpty();
    }
}
