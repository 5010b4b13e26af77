namespace Rules.Host.Tests.Cli;

public sealed class CheckCommandTests : IDisposable
{
    private const string AllowRule = """
        function (user, context, callback) {
          callback(null, user, context);
        }
        """;

    private readonly TempRulesDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_valid_rule_set_prints_an_ok_line_per_rule_and_exits_0()
    {
        _dir.Write("a-first.js", AllowRule);
        _dir.Write("b-second.js", """
            /**
             * Adds a claim.
             */
            function addClaim(user, context, callback) {
              context.idToken['https://example.com/claim'] = 'x';
              callback(null, user, context);
            }
            """);

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(0, run.ToString());
        run.StdoutLines.Should().HaveCount(3, run.ToString());
        run.StdoutLines[0].Should().Be($"ok    a-first ({Path.Combine(_dir.Rules, "a-first.js")})");
        run.StdoutLines[1].Should().Be($"ok    b-second ({Path.Combine(_dir.Rules, "b-second.js")})");
        run.StdoutLines[2].Should().MatchRegex(@"^2 rule\(s\) compiled, rule set version [0-9a-f]{12}$");
        run.Stderr.Should().BeEmpty();
    }

    [Fact]
    public async Task A_syntax_error_on_the_first_line_is_reported_with_its_line_column_source_and_caret()
    {
        const string line1 = "function (user, context, callback) { var x = ; callback(null, user, context); }";
        var file = _dir.Write("first.js", line1 + "\n");

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(1, run.ToString());
        var lines = run.StderrLines;
        var head = Array.FindIndex(lines, l => l.StartsWith(file + ":", StringComparison.Ordinal));
        head.Should().BeGreaterThanOrEqualTo(0, run.ToString());
        // The ';' after "var x = " is column 46 (1-based) of line 1: the wrapper the compiler adds must not shift it.
        line1.IndexOf(';').Should().Be(45);
        lines[head].Should().StartWith($"{file}:1:46: error: ");
        lines[head + 1].Should().Be("    " + line1);
        lines[head + 2].Should().Be("    " + new string(' ', 45) + "^");
        run.Stderr.Should().Contain("1 error(s) in 1 rule(s)");
        run.Stdout.Should().NotContain("ok ");
    }

    [Fact]
    public async Task A_syntax_error_on_a_later_line_is_reported_with_its_line_column_source_and_caret()
    {
        const string badLine = "  if (roles.includes('admin') {";
        var file = _dir.Write("later.js", $$"""
            /**
             * @param {object} user
             */
            function checkRoles(user, context, callback) {
              const roles = user.app_metadata.roles || [];
            {{badLine}}
                return callback(null, user, context);
              }
              callback(null, user, context);
            }
            """);

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(1, run.ToString());
        var lines = run.StderrLines;
        var head = Array.FindIndex(lines, l => l.StartsWith(file + ":", StringComparison.Ordinal));
        head.Should().BeGreaterThanOrEqualTo(0, run.ToString());
        // The '{' where ')' was expected is line 6, column 31.
        badLine.IndexOf('{').Should().Be(30);
        lines[head].Should().StartWith($"{file}:6:31: error: ");
        lines[head + 1].Should().Be("    " + badLine);
        lines[head + 2].Should().Be("    " + new string(' ', 30) + "^");
    }

    [Fact]
    public async Task A_syntax_error_in_an_anonymous_function_after_a_header_comment_points_at_the_author_line()
    {
        const string badLine = "  var n = 1 +* 2;";
        var file = _dir.Write("anon.js", $$"""
            // Auth0 stored rules like this: a comment, then an anonymous function.
            function (user, context, callback) {
            {{badLine}}
              callback(null, user, context);
            }
            """);

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(1, run.ToString());
        var lines = run.StderrLines;
        var head = Array.FindIndex(lines, l => l.StartsWith(file + ":", StringComparison.Ordinal));
        head.Should().BeGreaterThanOrEqualTo(0, run.ToString());
        lines[head].Should().StartWith($"{file}:3:14: error: ");
        lines[head + 1].Should().Be("    " + badLine);
        lines[head + 2].Should().Be("    " + new string(' ', 13) + "^");
    }

    [Fact]
    public async Task Every_error_is_reported_not_just_the_first()
    {
        _dir.Write("a-good.js", AllowRule);
        var broken1 = _dir.Write("b-broken.js", "function (user, context, callback) { var x = ; }\n");
        var broken2 = _dir.Write("c-broken.js", "function (user, context, callback) {\n  callback(null, user, context;\n}\n");
        var twoFunctions = _dir.Write("d-two.js", "function a(user, context, callback) {}\nfunction b(user, context, callback) {}\n");

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(1, run.ToString());
        run.Stderr.Should().Contain(broken1 + ":1:");
        run.Stderr.Should().Contain(broken2 + ":2:");
        run.Stderr.Should().Contain(twoFunctions + ":2:");
        run.Stderr.Should().Contain("3 error(s) in 4 rule(s)");
        run.StdoutLines.Should().ContainSingle().Which.Should().StartWith("ok    a-good ");
    }

    [Fact]
    public async Task A_missing_directory_is_one_line_exit_2_and_no_stack_trace()
    {
        var missing = Path.Combine(_dir.Root, "no-such-dir");

        var run = await CliRun.RunAsync("check", missing);

        run.ExitCode.Should().Be(2, run.ToString());
        run.StderrLines.Should().ContainSingle(run.ToString()).Which.Should().StartWith("error: ").And.Contain(missing);
        run.Stderr.Should().NotContain("   at ");
        run.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task A_manifest_naming_a_missing_file_exits_2_naming_the_file()
    {
        _dir.Write("present.js", AllowRule);
        _dir.Write("rules.json", """{ "rules": [ { "file": "present.js" }, { "file": "gone.js" } ] }""");

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(2, run.ToString());
        run.StderrLines.Should().ContainSingle(run.ToString()).Which.Should().Contain("gone.js").And.Contain("rules[1]");
        run.Stderr.Should().NotContain("   at ");
    }

    [Fact]
    public async Task A_malformed_manifest_exits_2_with_file_and_line()
    {
        _dir.Write("a.js", AllowRule);
        var manifest = _dir.Write("rules.json", """
            {
              "rules": [
                { "file": "a.js" "name": "missing comma" }
              ]
            }
            """);

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(2, run.ToString());
        run.StderrLines.Should().ContainSingle(run.ToString()).Which.Should().StartWith($"error: {manifest}:3: ");
        run.Stderr.Should().NotContain("   at ");
    }

    [Fact]
    public async Task An_empty_directory_exits_2_and_mentions_rules_json()
    {
        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(2, run.ToString());
        run.StderrLines.Should().ContainSingle(run.ToString()).Which.Should().Contain("rules.json");
        run.Stderr.Should().NotContain("   at ");
    }

    [Fact]
    public async Task An_explicitly_empty_rule_set_checks_ok()
    {
        _dir.Write("rules.json", """{"rules": []}""");

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("0 rule(s) compiled");
    }

    [Fact]
    public async Task Unlisted_files_are_warned_about_but_do_not_fail_the_check()
    {
        _dir.Write("listed.js", AllowRule);
        var stray = _dir.Write("stray.js", AllowRule);
        _dir.Write("rules.json", """{ "rules": [ { "file": "listed.js" } ] }""");

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stderr.Should().Contain("warning: ").And.Contain(stray);
        run.StdoutLines.Should().ContainSingle(l => l.StartsWith("ok ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disabled_rules_are_still_checked_and_marked()
    {
        _dir.Write("on.js", AllowRule);
        _dir.Write("off.js", AllowRule);
        _dir.Write("rules.json", """{ "rules": [ { "file": "on.js" }, { "file": "off.js", "enabled": false } ] }""");

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(0, run.ToString());
        run.StdoutLines.Should().Contain(l => l.StartsWith("ok    off ", StringComparison.Ordinal) && l.EndsWith("[disabled]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_directory_given_with_a_trailing_separator_loads_like_without_one()
    {
        _dir.Write("a.js", AllowRule);
        _dir.Write("rules.json", """{ "rules": [ { "file": "a.js", "name": "only" } ] }""");

        var run = await CliRun.RunAsync("check", _dir.Rules + Path.DirectorySeparatorChar);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("ok    only ");
    }

    [Fact]
    public async Task An_unknown_option_exits_2_with_a_hint_to_help()
    {
        _dir.Write("a.js", AllowRule);

        var run = await CliRun.RunAsync("check", _dir.Rules, "--bogus");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("--bogus").And.Contain("rules check --help");
        run.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task A_missing_argument_exits_2()
    {
        var run = await CliRun.RunAsync("check");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("--help");
    }

    [Fact]
    public async Task Help_goes_to_the_given_output_and_exits_0()
    {
        var run = await CliRun.RunAsync("check", "--help");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("RULES_DIR").And.Contain("Exit codes");
    }

    [Fact]
    public async Task A_syntax_error_in_a_file_with_crlf_line_endings_is_located_and_shown_without_the_cr()
    {
        var file = _dir.Write("crlf.js", "function (user, context, callback) {\r\n  var n = 1 +* 2;\r\n  callback(null, user, context);\r\n}\r\n");

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(1, run.ToString());
        var lines = run.Stderr.Split('\n');
        var head = Array.FindIndex(lines, l => l.StartsWith(file + ":", StringComparison.Ordinal));
        lines[head].Should().StartWith($"{file}:2:14: error: ");
        lines[head + 1].Should().Be("      var n = 1 +* 2;");
        lines[head + 2].Should().Be("    " + new string(' ', 13) + "^");
    }

    [Fact]
    public async Task An_unreadable_manifest_exits_2_with_one_line_and_no_stack_trace()
    {
        _dir.Write("a.js", AllowRule);
        // A dangling link: File.Exists sees the manifest, reading it fails.
        File.CreateSymbolicLink(Path.Combine(_dir.Rules, "rules.json"), Path.Combine(_dir.Root, "nowhere.json"));

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(2, run.ToString());
        run.StderrLines.Should().ContainSingle(run.ToString()).Which.Should().StartWith("error: ").And.Contain("rules.json").And.Contain("cannot be read");
        run.Stderr.Should().NotContain("   at ");
    }

    [Fact]
    public async Task An_unreadable_rule_file_exits_2_with_one_line_and_no_stack_trace()
    {
        _dir.Write("a.js", AllowRule);
        File.CreateSymbolicLink(Path.Combine(_dir.Rules, "b.js"), Path.Combine(_dir.Root, "nowhere.js"));

        var run = await CliRun.RunAsync("check", _dir.Rules);

        run.ExitCode.Should().Be(2, run.ToString());
        run.StderrLines.Should().ContainSingle(run.ToString()).Which.Should().Contain("b.js").And.Contain("cannot be read");
        run.Stderr.Should().NotContain("   at ");
    }

    [Fact]
    public async Task A_file_given_instead_of_a_directory_says_so()
    {
        var file = _dir.Write("a.js", AllowRule);

        var run = await CliRun.RunAsync("check", file);

        run.ExitCode.Should().Be(2, run.ToString());
        run.StderrLines.Should().ContainSingle(run.ToString()).Which.Should().Contain(file).And.Contain("is a file");
    }

    [Fact]
    public async Task An_unknown_verb_exits_2_with_a_hint_to_help()
    {
        var run = await CliRun.RunAsync("chek", _dir.Rules);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("chek").And.Contain("rules --help");
    }
}
