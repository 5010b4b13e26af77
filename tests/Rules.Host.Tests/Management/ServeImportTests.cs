using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rules.Host.Cli;
using Rules.Host.Tests.Cli;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Management;

/// <summary><c>rules serve --import DIR</c> (Rules:ImportFrom): an export replaces the database's rules and rules-configs.</summary>
public sealed class ServeImportTests
{
    private static readonly string Export = Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples", "auth0-export", "yaml", "tenant.yaml");

    [Fact]
    public async Task The_export_replaces_the_databases_rules_and_goes_live()
    {
        using var factory = ManagementApi.NewHost(new Dictionary<string, string?> { ["Rules:ImportFrom"] = Export });
        using var client = factory.CreateManagementClient();

        var rules = (await client.GetFromJsonAsync<JsonArray>("/api/v2/rules"))!;

        rules.Select(r => (r!["name"]!.GetValue<string>(), r["enabled"]!.GetValue<bool>(), r["order"]!.GetValue<long>())).Should().Equal(
            ("Geo-block embargoed countries", false, 1L),
            ("Only support agents may impersonate", true, 2L),
            ("Force email verification", true, 3L),
            ("Mark impersonated sessions in the tokens", true, 4L));
        (await client.LiveRuleNamesAsync()).Should().Equal(
            ["Only support agents may impersonate", "Force email verification", "Mark impersonated sessions in the tokens"],
            "the sample tenant's seven rules were replaced, and the disabled one does not run");
        var keys = (await client.GetFromJsonAsync<JsonArray>("/api/v2/rules-configs"))!;
        keys.Select(k => k!["key"]!.GetValue<string>()).Should().Equal("SUPPORT_AGENTS");
    }

    [Fact]
    public async Task Serve_refuses_an_export_that_does_not_compile_and_does_not_start()
    {
        using var dir = new TempRulesDirectory();
        dir.WriteOutside("export/rules/broken.js", "function (user, context, callback) {\n  var x = ;\n}");

        var run = await CliRun.RunAsync("serve", "--data", Path.Combine(dir.Root, "data"), "--import", Path.Combine(dir.Root, "export"), "--urls", "http://127.0.0.1:0");

        run.ExitCode.Should().Be(ExitCodes.BadInput, run.ToString());
        run.Stderr.Should().Contain("does not compile, so the database's rules were left as they were").And.Contain("broken.js:2:11");
    }

    [Fact]
    public async Task Import_and_rules_together_are_refused()
    {
        var run = await CliRun.RunAsync("serve", "--import", Export, "--rules", Export);
        run.ExitCode.Should().Be(ExitCodes.BadInput);
        run.Stderr.Should().Contain("use one of them");
    }
}
