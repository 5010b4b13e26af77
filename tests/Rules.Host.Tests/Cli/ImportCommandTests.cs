using Rules.Engine.RuleSets;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Cli;

public sealed class ImportCommandTests : IDisposable
{
    private static readonly string Export = Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples", "auth0-export");
    private const string Secret = "auth0|64b7f0c2a1e9d3f4b5c6a7d8, maria.gonzalez@acme-support.example.com";

    private readonly TempRulesDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Target => Path.Combine(_dir.Root, "imported");

    [Theory]
    [InlineData("directory")]
    [InlineData("yaml/tenant.yaml")]
    public async Task An_export_becomes_our_layout_with_the_same_rule_set_version(string source)
    {
        var path = Path.Combine(Export, source);

        var run = await CliRun.RunAsync("import", path, "--to", Target);

        run.ExitCode.Should().Be(0, run.ToString());
        File.Exists(Path.Combine(Target, "rules.json")).Should().BeTrue();
        RuleSetDirectory.DetectLayout(Target).Should().Be(RuleSetLayout.Manifest);
        var imported = RuleSetDirectory.Load(Target);
        imported.Version.Should().Be(RuleSetDirectory.Load(path).Version, "names, order, enabled flags, scripts and configuration carry over");
        imported.Rules.Select(r => Path.GetFileName(r.File)).Should().Equal(
            "geo-block-embargoed-countries.js", "only-support-agents-may-impersonate.js", "force-email-verification.js", "mark-impersonated-sessions-in-the-tokens.js");
        run.Stdout.Should().Contain("Geo-block embargoed countries -> geo-block-embargoed-countries.js [disabled]");
    }

    [Fact]
    public async Task Configuration_values_are_never_printed()
    {
        var run = await CliRun.RunAsync("import", Path.Combine(Export, "directory"), "--to", Target);

        run.Stdout.Should().Contain("config SUPPORT_AGENTS = (hidden, 71 characters)");
        (run.Stdout + run.Stderr).Should().NotContain("maria.gonzalez").And.NotContain("64b7f0c2a1e9d3f4b5c6a7d8");
        File.ReadAllText(Path.Combine(Target, "rules.json")).Should().Contain(Secret, "the value itself is imported");
    }

    [Fact]
    public async Task A_non_empty_target_is_refused_without_force_and_replaced_with_it()
    {
        _dir.WriteOutside("imported/old.js", "function (user, context, callback) { callback(null, user, context); }");

        var refused = await CliRun.RunAsync("import", Path.Combine(Export, "directory"), "--to", Target);
        refused.ExitCode.Should().Be(2);
        refused.Stderr.Should().Contain("is not empty; pass --force");
        File.Exists(Path.Combine(Target, "old.js")).Should().BeTrue();

        var forced = await CliRun.RunAsync("import", Path.Combine(Export, "directory"), "--to", Target, "--force");
        forced.ExitCode.Should().Be(0, forced.ToString());
        File.Exists(Path.Combine(Target, "old.js")).Should().BeFalse();
        Directory.GetDirectories(_dir.Root).Should().BeEquivalentTo([Target, _dir.Rules], "no staging or backup directory is left behind");
    }

    [Fact]
    public async Task An_export_that_does_not_compile_writes_nothing()
    {
        _dir.WriteOutside("export/rules/broken.js", "function (user, context, callback) {\n  var x = ;\n}");
        _dir.WriteOutside("export/rules/broken.json", """{ "name": "Broken", "script": "./broken.js", "order": 1 }""");

        var run = await CliRun.RunAsync("import", Path.Combine(_dir.Root, "export"), "--to", Target);

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().Contain("broken.js:2:11: error:").And.Contain("nothing was written");
        Directory.Exists(Target).Should().BeFalse();
        Directory.GetDirectories(_dir.Root).Should().BeEquivalentTo([Path.Combine(_dir.Root, "export"), _dir.Rules], "no staging directory is left behind");
    }

    [Fact]
    public async Task A_bad_export_is_bad_input_naming_the_file()
    {
        _dir.WriteOutside("export/rules/a.js", "function (user, context, callback) { callback(null, user, context); }");
        _dir.WriteOutside("export/rules-configs/API_KEY.json", """{ "key": "API_KEY" }""");

        var run = await CliRun.RunAsync("import", Path.Combine(_dir.Root, "export"), "--to", Target);

        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain("API_KEY.json").And.Contain("\"value\" must be a string");
        Directory.Exists(Target).Should().BeFalse();
    }

    [Fact]
    public async Task Importing_into_the_export_itself_is_refused()
    {
        var run = await CliRun.RunAsync("import", Path.Combine(Export, "directory"), "--to", Path.Combine(Export, "directory", "rules"), "--force");
        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain("overlaps the export");
    }

    [Fact]
    public async Task Actions_style_files_import_too_and_are_labelled()
    {
        var run = await CliRun.RunAsync("import", Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples", "actions"), "--to", Target);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("action Require a verified email -> require-verified-email.js")
            .And.Contain("rule   Only support agents may impersonate");
    }
}
