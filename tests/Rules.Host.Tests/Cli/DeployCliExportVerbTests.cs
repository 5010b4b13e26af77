using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Cli;

/// <summary>Every verb that takes a rules directory takes a Deploy CLI export in either layout, and the Actions sample set.</summary>
public sealed class DeployCliExportVerbTests
{
    private static readonly string Samples = Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples");

    public static TheoryData<string> Exports => new()
    {
        Path.Combine(Samples, "auth0-export", "directory"),
        Path.Combine(Samples, "auth0-export", "yaml"),
        Path.Combine(Samples, "auth0-export", "yaml", "tenant.yaml"),
    };

    [Theory]
    [MemberData(nameof(Exports))]
    public async Task Check_compiles_an_export(string export)
    {
        var run = await CliRun.RunAsync("check", export);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("Geo-block embargoed countries").And.Contain("[disabled]").And.Contain("4 rule(s) compiled");
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public async Task Test_runs_the_shared_cases_against_an_export(string export)
    {
        var run = await CliRun.RunAsync("test", export, "--tests", Path.Combine(Samples, "auth0-export", "tests"));

        run.ExitCode.Should().Be(0, run.ToString());
        run.StdoutLines.Last().Should().Be("3 passed, 0 failed");
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public async Task Eval_honours_the_exports_order_and_configuration(string export)
    {
        var transaction = """
            { "user": { "user_id": "auth0|c", "email": "c@example.com", "email_verified": true,
                        "impersonated": true, "impersonator": { "user_id": "auth0|sales-tom", "email": "tom@example.com" } },
              "context": { "clientID": "app", "request": { "geoip": { "country_code": "XX" } } } }
            """;

        var run = await CliRun.RunWithStdinAsync(transaction, "eval", "--rules", export, "--transaction", "-", "--no-timings");

        run.ExitCode.Should().Be(1, run.ToString());
        var outcome = run.Json();
        outcome["rule"]!.GetValue<string>().Should().Be("Only support agents may impersonate", "the disabled geo-block (order 0) does not run; SUPPORT_AGENTS comes from rules-configs");
    }

    [Fact]
    public async Task Replay_compares_an_export_with_itself_in_the_other_layout_and_finds_no_change()
    {
        var log = Path.Combine(Samples, "logs", "recorded-logins.jsonl");

        var same = await CliRun.RunAsync("replay", "--rules", Path.Combine(Samples, "auth0-export", "directory"),
            "--against", Path.Combine(Samples, "auth0-export", "yaml", "tenant.yaml"), "--log", log);
        var different = await CliRun.RunAsync("replay", "--rules", Path.Combine(Samples, "actions"),
            "--against", Path.Combine(Samples, "auth0-export", "yaml", "tenant.yaml"), "--log", log);

        same.ExitCode.Should().Be(0, same.ToString());
        same.Stdout.Should().Contain("no decision changed");
        different.ExitCode.Should().Be(1, "the actions sample refuses with access_denied where the export's rule said unauthorized");
    }

    [Fact]
    public async Task The_actions_sample_passes_its_cases()
    {
        var run = await CliRun.RunAsync("test", Path.Combine(Samples, "actions"), "--coverage-min", "100");

        run.ExitCode.Should().Be(0, run.ToString());
        run.StdoutLines.Last().Should().Be("9 passed, 0 failed");
    }

    [Fact]
    public async Task Check_marks_actions_and_lints_the_rules_beside_them_cleanly()
    {
        var run = await CliRun.RunAsync("check", "--strict", Path.Combine(Samples, "actions"));

        run.ExitCode.Should().Be(0, run.ToString());
        run.StdoutLines.Should().Contain(l => l.StartsWith("ok    Require a verified email", StringComparison.Ordinal) && l.EndsWith("[action]", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith("ok    Only support agents may impersonate", StringComparison.Ordinal) && !l.Contains("[action]"));
    }

    [Fact]
    public async Task Check_reports_a_stage_that_does_not_run_as_a_warning()
    {
        using var dir = new TempRulesDirectory();
        dir.WriteOutside("export/rules/a.js", "function (user, context, callback) { callback(null, user, context); }");
        dir.WriteOutside("export/rules/a.json", """{ "name": "A", "stage": "pre_authorize" }""");
        dir.WriteOutside("export/rules/b.js", "function (user, context, callback) { callback(null, user, context); }");

        var run = await CliRun.RunAsync("check", Path.Combine(dir.Root, "export"));

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stderr.Should().Contain("warning:").And.Contain("stage 'pre_authorize' is not run by this host");
    }
}
