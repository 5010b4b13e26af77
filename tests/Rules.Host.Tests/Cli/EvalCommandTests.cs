using System.Text.Json.Nodes;

namespace Rules.Host.Tests.Cli;

public sealed class EvalCommandTests : IDisposable
{
    private const string AllowRule = """
        function (user, context, callback) {
          callback(null, user, context);
        }
        """;

    private const string Transaction = """
        {
          "user": { "user_id": "auth0|alice", "email": "alice@example.com", "app_metadata": { "roles": ["user"] } },
          "context": { "clientID": "app1", "clientName": "App One", "connection": "Username-Password-Authentication" }
        }
        """;

    private readonly TempRulesDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WriteTransaction(string json) => _dir.WriteOutside("transaction.json", json);

    private Task<CliRun> Eval(string transactionJson, params string[] extra)
    {
        var path = WriteTransaction(transactionJson);
        return CliRun.RunAsync(["eval", "--rules", _dir.Rules, "--transaction", path, .. extra]);
    }

    [Fact]
    public async Task A_redirected_login_exits_4_and_prints_decision_rule_and_url()
    {
        _dir.Write("terms.js", """
            function (user, context, callback) {
              context.redirect = { url: 'https://terms.example.com/accept' };
              callback(null, user, context);
            }
            """);

        var run = await Eval(Transaction);

        run.ExitCode.Should().Be(4, run.ToString());
        var outcome = run.Json();
        outcome["decision"]!.GetValue<string>().Should().Be("redirect");
        outcome["rule"]!.GetValue<string>().Should().Be("terms");
        outcome["url"]!.GetValue<string>().Should().Be("https://terms.example.com/accept");
        outcome.ContainsKey("kind").Should().BeFalse();
    }

    [Fact]
    public async Task An_allowed_login_exits_0_and_prints_the_outcome_json()
    {
        _dir.Write("allow.js", """
            function (user, context, callback) {
              context.idToken['https://example.com/email'] = user.email;
              callback(null, user, context);
            }
            """);

        var run = await Eval(Transaction);

        run.ExitCode.Should().Be(0, run.ToString());
        var outcome = run.Json();
        outcome["decision"]!.GetValue<string>().Should().Be("allow");
        outcome.ContainsKey("rule").Should().BeFalse();
        outcome.ContainsKey("error").Should().BeFalse();
        outcome["idToken"]!["https://example.com/email"]!.GetValue<string>().Should().Be("alice@example.com");
        outcome["user"]!["user_id"]!.GetValue<string>().Should().Be("auth0|alice");
        outcome.ContainsKey("timings").Should().BeTrue();
        run.Stderr.Should().BeEmpty();
    }

    [Fact]
    public async Task An_UnauthorizedError_denies_with_exit_1_and_the_denial_fields()
    {
        _dir.Write("01-first.js", AllowRule);
        _dir.Write("02-no-contractors.js", """
            function (user, context, callback) {
              if (user.email.endsWith('@example.com')) {
                return callback(new UnauthorizedError('Contractors cannot sign in to App One'));
              }
              callback(null, user, context);
            }
            """);
        _dir.Write("03-never.js", """
            function (user, context, callback) {
              context.idToken['https://example.com/ran'] = true;
              callback(null, user, context);
            }
            """);

        var run = await Eval(Transaction);

        run.ExitCode.Should().Be(1, run.ToString());
        var outcome = run.Json();
        outcome["decision"]!.GetValue<string>().Should().Be("deny");
        outcome["error"]!.GetValue<string>().Should().Be("unauthorized");
        outcome["error_description"]!.GetValue<string>().Should().Be("Contractors cannot sign in to App One");
        outcome["kind"]!.GetValue<string>().Should().Be("rule_denied");
        outcome["rule"]!.GetValue<string>().Should().Be("02-no-contractors");
        outcome["idToken"]!.AsObject().ContainsKey("https://example.com/ran").Should().BeFalse("rules after a denial do not run");
    }

    [Fact]
    public async Task A_dash_reads_the_transaction_from_stdin()
    {
        _dir.Write("claim.js", """
            function (user, context, callback) {
              context.idToken['https://example.com/client'] = context.clientName;
              callback(null, user, context);
            }
            """);

        var run = await CliRun.RunWithStdinAsync(Transaction, "eval", "--rules", _dir.Rules, "--transaction", "-");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Json()["idToken"]!["https://example.com/client"]!.GetValue<string>().Should().Be("App One");
    }

    [Fact]
    public async Task The_readmes_standard_input_example_is_allowed_and_denied_without_email_verified_as_it_says()
    {
        var readme = File.ReadAllText(Path.Combine(Http.RulesHostFactory.RepositoryRoot, "README.md"));
        var echo = readme.Split('\n').Single(l => l.StartsWith("echo '{ \"user\"", StringComparison.Ordinal));
        var transaction = echo["echo '".Length..echo.LastIndexOf('\'')];
        var rules = Path.Combine(Http.RulesHostFactory.RepositoryRoot, "Rules.Samples", "rules");

        var allowed = await CliRun.RunWithStdinAsync(transaction, "eval", "--rules", rules, "--transaction", "-", "--no-timings");
        allowed.ExitCode.Should().Be(0, allowed.ToString());
        allowed.Json()["decision"]!.GetValue<string>().Should().Be("allow");

        var denied = await CliRun.RunWithStdinAsync(transaction.Replace(", \"email_verified\": true", ""), "eval", "--rules", rules, "--transaction", "-", "--no-timings");
        denied.ExitCode.Should().Be(1, denied.ToString());
        denied.Json()["rule"]!.GetValue<string>().Should().Be("Force email verification");
    }

    [Fact]
    public async Task Malformed_transaction_json_exits_2()
    {
        _dir.Write("allow.js", AllowRule);
        var path = WriteTransaction("{\n  \"user\": { \"user_id\": \"x\" },\n  \"context\": { oops }\n}");

        var run = await CliRun.RunAsync("eval", "--rules", _dir.Rules, "--transaction", path);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().StartWith($"error: {path}:3:16: not valid JSON: unexpected 'o': a property name in double quotes was expected");
        run.Stderr.Should().NotContain("   at ");
        run.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Malformed_transaction_json_on_stdin_exits_2()
    {
        _dir.Write("allow.js", AllowRule);

        var run = await CliRun.RunWithStdinAsync("{ \"user\": ", "eval", "--rules", _dir.Rules, "--transaction", "-");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("<stdin>").And.Contain("not valid JSON");
        run.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task A_missing_transaction_file_exits_2()
    {
        _dir.Write("allow.js", AllowRule);
        var missing = Path.Combine(_dir.Root, "nope.json");

        var run = await CliRun.RunAsync("eval", "--rules", _dir.Rules, "--transaction", missing);

        run.ExitCode.Should().Be(2, run.ToString());
        run.StderrLines.Should().ContainSingle().Which.Should().Contain(missing).And.Contain("no such file");
        run.Stderr.Should().NotContain("   at ");
    }

    [Fact]
    public async Task A_transaction_without_user_exits_2_with_a_clear_message()
    {
        _dir.Write("allow.js", AllowRule);

        var run = await Eval("""{ "context": { "clientID": "app1" } }""");

        run.ExitCode.Should().Be(2, run.ToString());
        run.StderrLines.Should().ContainSingle().Which.Should().Contain("\"user\" is missing");
        run.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Now_pins_the_clock_the_rules_see()
    {
        _dir.Write("clock.js", """
            function (user, context, callback) {
              context.idToken['https://example.com/now'] = new Date().toISOString();
              context.idToken['https://example.com/epoch'] = Date.now();
              context.idToken['https://example.com/day'] = new Date().getDay();
              callback(null, user, context);
            }
            """);

        var run = await Eval("""
            { "user": { "user_id": "auth0|alice" }, "context": {}, "now": "2026-11-18T09:30:00Z" }
            """);

        run.ExitCode.Should().Be(0, run.ToString());
        var idToken = run.Json()["idToken"]!;
        idToken["https://example.com/now"]!.GetValue<string>().Should().Be("2026-11-18T09:30:00.000Z");
        idToken["https://example.com/epoch"]!.GetValue<double>().Should().Be(DateTimeOffset.Parse("2026-11-18T09:30:00Z").ToUnixTimeMilliseconds());
        idToken["https://example.com/day"]!.GetValue<double>().Should().Be(3, "2026-11-18 is a Wednesday");
    }

    [Fact]
    public async Task Now_with_an_offset_is_the_same_instant_in_utc()
    {
        _dir.Write("clock.js", """
            function (user, context, callback) {
              context.idToken['https://example.com/now'] = new Date().toISOString();
              callback(null, user, context);
            }
            """);

        var run = await Eval("""
            { "user": { "user_id": "auth0|alice" }, "now": "2026-11-18T10:30:00+01:00" }
            """);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Json()["idToken"]!["https://example.com/now"]!.GetValue<string>().Should().Be("2026-11-18T09:30:00.000Z");
    }

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("12345")]
    [InlineData("\"2026-13-45T99:00:00Z\"")]
    public async Task A_bad_now_exits_2(string now)
    {
        _dir.Write("allow.js", AllowRule);

        var run = await Eval($$"""{ "user": { "user_id": "auth0|alice" }, "now": {{now}} }""");

        run.ExitCode.Should().Be(2, run.ToString());
        run.StderrLines.Should().ContainSingle().Which.Should().Contain("\"now\"");
        run.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task An_unknown_option_exits_2_with_a_hint_to_help()
    {
        _dir.Write("allow.js", AllowRule);
        var path = WriteTransaction(Transaction);

        var run = await CliRun.RunAsync("eval", "--rules", _dir.Rules, "--transaction", path, "--verbose-please");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("--verbose-please").And.Contain("rules eval --help");
        run.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task A_missing_required_option_exits_2()
    {
        _dir.Write("allow.js", AllowRule);

        var run = await CliRun.RunAsync("eval", "--rules", _dir.Rules);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("--transaction").And.Contain("--help");
    }

    [Fact]
    public async Task No_timings_leaves_timings_out()
    {
        _dir.Write("allow.js", AllowRule);

        var with = await Eval(Transaction);
        var without = await Eval(Transaction, "--no-timings");

        with.ExitCode.Should().Be(0, with.ToString());
        without.ExitCode.Should().Be(0, without.ToString());
        with.Json().ContainsKey("timings").Should().BeTrue();
        without.Json().ContainsKey("timings").Should().BeFalse();
        without.Stdout.Should().NotContain("timings");
    }

    [Fact]
    public async Task Identical_runs_with_no_timings_print_identical_output()
    {
        _dir.Write("allow.js", AllowRule);
        const string pinned = """{ "user": { "user_id": "auth0|alice" }, "now": "2026-11-18T09:30:00Z" }""";

        var first = await Eval(pinned, "--no-timings");
        var second = await Eval(pinned, "--no-timings");

        first.Stdout.Should().Be(second.Stdout);
    }

    [Fact]
    public async Task A_rule_set_that_does_not_compile_exits_2()
    {
        _dir.Write("a-good.js", AllowRule);
        var broken = _dir.Write("b-broken.js", "function (user, context, callback) {\n  callback(null, user, context;\n}\n");

        var run = await Eval(Transaction);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stdout.Should().BeEmpty("no outcome is printed for a rule set that cannot run");
        run.Stderr.Should().Contain(broken + ":2:").And.Contain("rules check");
        run.Stderr.Should().NotContain("   at ");
    }

    [Fact]
    public async Task A_rules_directory_that_cannot_load_exits_2()
    {
        var run = await CliRun.RunAsync("eval", "--rules", Path.Combine(_dir.Root, "missing"), "--transaction", WriteTransaction(Transaction));

        run.ExitCode.Should().Be(2, run.ToString());
        run.StderrLines.Should().ContainSingle().Which.Should().StartWith("error: ");
        run.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task An_explicitly_empty_rule_set_allows()
    {
        _dir.Write("rules.json", """{"rules": []}""");

        var run = await Eval(Transaction);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Json()["decision"]!.GetValue<string>().Should().Be("allow");
    }

    [Fact]
    public async Task A_rule_that_throws_denies_as_rule_error_pointing_at_the_throw()
    {
        const string throwLine = "    throw new Error('roles are not configured for ' + context.clientName);";
        var file = _dir.Write("thrower.js", $$"""
            /**
             * Throws on purpose.
             */
            function (user, context, callback) {
              const roles = user.app_metadata.roles;
              if (roles.length > 0) {
            {{throwLine}}
              }
              callback(null, user, context);
            }
            """);

        var run = await Eval(Transaction);

        run.ExitCode.Should().Be(1, run.ToString());
        var outcome = run.Json();
        outcome["decision"]!.GetValue<string>().Should().Be("deny");
        outcome["kind"]!.GetValue<string>().Should().Be("rule_error");
        outcome["rule"]!.GetValue<string>().Should().Be("thrower");
        outcome["error"]!.GetValue<string>().Should().Be("access_denied");
        outcome["error_description"]!.GetValue<string>().Should().NotContain("App One", "the author's message is not shown to the app");
        var failure = outcome["failure"]!.AsObject();
        failure["message"]!.GetValue<string>().Should().Contain("roles are not configured for App One");
        failure["file"]!.GetValue<string>().Should().Be(file);
        failure["line"]!.GetValue<int>().Should().Be(7);
        // The column is that of the thrown value ("new Error(...)" after "    throw "), as Node reports `throw new Error()`.
        throwLine.IndexOf("new Error", StringComparison.Ordinal).Should().Be(10);
        failure["column"]!.GetValue<int>().Should().Be(11);
        failure["source"]!.GetValue<string>().Should().Be(throwLine);
        run.Stderr.Should().Contain($"{file}:7:11: Error: roles are not configured for App One");
    }

    [Fact]
    public async Task A_throw_on_the_first_line_of_a_file_points_at_the_authors_column()
    {
        const string line1 = "function (user, context, callback) { throw new Error('first line'); }";
        var file = _dir.Write("oneliner.js", line1 + "\n");

        var run = await Eval(Transaction);

        run.ExitCode.Should().Be(1, run.ToString());
        var failure = run.Json()["failure"]!.AsObject();
        failure["file"]!.GetValue<string>().Should().Be(file);
        failure["line"]!.GetValue<int>().Should().Be(1);
        // Column of the thrown value: the compiler's wrapper on line 1 must not shift it.
        line1.IndexOf("new Error", StringComparison.Ordinal).Should().Be(43);
        failure["column"]!.GetValue<int>().Should().Be(44);
        failure["source"]!.GetValue<string>().Should().Be(line1);
    }

    [Fact]
    public async Task A_runtime_type_error_points_at_the_failing_line()
    {
        var file = _dir.Write("typo.js", """
            function (user, context, callback) {
              const region = user.user_metadata.region;
              callback(null, user, context);
            }
            """);

        var run = await Eval(Transaction);

        run.ExitCode.Should().Be(1, run.ToString());
        var outcome = run.Json();
        outcome["kind"]!.GetValue<string>().Should().Be("rule_error");
        var failure = outcome["failure"]!.AsObject();
        failure["message"]!.GetValue<string>().Should().StartWith("TypeError");
        failure["file"]!.GetValue<string>().Should().Be(file);
        failure["line"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public async Task An_error_made_earlier_and_thrown_later_points_at_the_throw_line()
    {
        var file = _dir.Write("late.js", """
            function (user, context, callback) {
              const err = new Error('made early');
              if (user) {
                throw err;
              }
              callback(null, user, context);
            }
            """);

        var run = await Eval(Transaction);

        run.ExitCode.Should().Be(1, run.ToString());
        var failure = run.Json()["failure"]!.AsObject();
        failure["file"]!.GetValue<string>().Should().Be(file);
        failure["line"]!.GetValue<int>().Should().Be(4);
        failure["source"]!.GetValue<string>().Should().Be("    throw err;");
    }

    [Theory]
    [InlineData("""[]""", "expected a JSON object")]
    [InlineData("""{ "user": "alice" }""", "\"user\" must be an object")]
    [InlineData("""{ "user": {}, "context": [] }""", "\"context\" must be an object")]
    [InlineData("""{ "user": { "impersonated": true } }""", "impersonator")]
    public async Task A_transaction_of_the_wrong_shape_exits_2_saying_what_is_wrong(string json, string expected)
    {
        _dir.Write("allow.js", AllowRule);

        var run = await Eval(json);

        run.ExitCode.Should().Be(2, run.ToString());
        run.StderrLines.Should().ContainSingle(run.ToString()).Which.Should().StartWith("error: ").And.Contain(expected);
        run.Stdout.Should().BeEmpty();
    }
}
