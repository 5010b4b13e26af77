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
              var pending = setTimeout;
              callback(null, user, context);
            }
            """);

        var run = await CliRun.RunAsync("check", "--strict", _dir.Rules);

        run.ExitCode.Should().Be(1, run.ToString());
        run.Stderr.Should().Contain($"{file}:2:17: error: setTimeout is not available");
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

    [Fact]
    public async Task A_rule_that_asks_for_an_effect_this_server_refuses_fails_the_check_without_strict()
    {
        var file = _dir.Write("link.js", """
            function (user, context, callback) {
              if (user.app_metadata && user.app_metadata.primary) {
                context.primaryUser = user.app_metadata.primary;
              }
              callback(null, user, context);
            }
            """);

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(1, run.ToString());
        run.Stderr.Should().Contain($"{file}:3:5: error: context.primaryUser asks for completing the login as a linked primary account").And.Contain("[unsupported-effect]");
        run.Stderr.Should().Contain("1 rule error(s) in 1 rule(s)");
        run.Stdout.Should().NotContain("ok    link", "a rule every login through it is denied by is not ok");
    }

    [Fact]
    public async Task Only_the_rules_without_an_error_are_listed_as_ok_and_with_strict_not_those_with_warnings()
    {
        _dir.Write("a-clean.js", "function (user, context, callback) { callback(null, user, context); }");
        _dir.Write("b-refused.js", "function (user, context, callback) { context.jwtConfiguration = { lifetime_in_seconds: 60 }; callback(null, user, context); }");
        _dir.Write("c-warned.js", "function (user, context, callback) { context.idToken.sub = 'x'; callback(null, user, context); }");
        _dir.Write("rules.json", """{ "rules": [ { "file": "a-clean.js" }, { "file": "b-refused.js" }, { "file": "c-warned.js" } ] }""");

        var plain = await CliRun.RunAsync("check", _dir.Rules);
        var strict = await CliRun.RunAsync("check", "--strict", _dir.Rules);

        plain.ExitCode.Should().Be(1, plain.ToString());
        plain.StdoutLines.Where(l => l.StartsWith("ok ", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])
            .Should().Equal("a-clean", "c-warned");
        strict.ExitCode.Should().Be(1, strict.ToString());
        strict.StdoutLines.Where(l => l.StartsWith("ok ", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])
            .Should().Equal("a-clean");
    }

    [Fact]
    public async Task Eval_denies_the_login_of_such_a_rule_naming_the_field_and_the_rule()
    {
        _dir.Write("link.js", """
            function (user, context, callback) {
              context.primaryUser = 'auth0|primary';
              callback(null, user, context);
            }
            """);
        var transaction = _dir.WriteOutside("login.json", """{ "user": { "user_id": "auth0|1", "email": "a@example.com" }, "context": { "clientID": "app" } }""");

        var run = await CliRun.RunAsync("eval", "--rules", _dir.Rules, "--transaction", transaction);

        run.ExitCode.Should().Be(1, run.ToString());
        var outcome = System.Text.Json.Nodes.JsonNode.Parse(run.Stdout)!;
        outcome["decision"]!.GetValue<string>().Should().Be("deny");
        outcome["kind"]!.GetValue<string>().Should().Be("rule_error");
        outcome["rule"]!.GetValue<string>().Should().Be("link");
        outcome["error_description"]!.GetValue<string>().Should().Contain("context.primaryUser");
    }

    [Fact]
    public async Task Eval_shows_the_mfa_a_rule_asks_for_and_check_accepts_it()
    {
        _dir.Write("mfa.js", """
            function (user, context, callback) {
              context.multifactor = { provider: 'google-authenticator', allowRememberBrowser: true };
              callback(null, user, context);
            }
            """);
        var transaction = _dir.WriteOutside("login.json", """{ "user": { "user_id": "auth0|1", "email": "a@example.com" }, "context": { "clientID": "app" } }""");

        (await CliRun.RunAsync("check", _dir.Rules)).ExitCode.Should().Be(0);
        var run = await CliRun.RunAsync("eval", "--rules", _dir.Rules, "--transaction", transaction);

        run.ExitCode.Should().Be(0, run.ToString());
        var outcome = System.Text.Json.Nodes.JsonNode.Parse(run.Stdout)!;
        outcome["mfa"]!.ToJsonString().Should().Be("""{"provider":"google-authenticator","allowRememberBrowser":true}""");
    }
}
