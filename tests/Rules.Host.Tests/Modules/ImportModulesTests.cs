using Rules.Engine.Modules;
using Rules.Host.Tests.Cli;

namespace Rules.Host.Tests.Modules;

/// <summary>`rules import` names the npm packages an export needs, and carries the vetted ones over with the rules.</summary>
public sealed class ImportModulesTests
{
    private const string Rule = "function (user, context, callback) { context.idToken['https://x/v'] = require('tiny@1.0.0').value; callback(null, user, context); }";

    [Fact]
    public async Task An_export_needing_packages_lists_the_commands_that_vet_them()
    {
        using var dir = new TempRulesDirectory();
        dir.Write("tiny.js", Rule);

        var run = await CliRun.RunAsync("import", dir.Rules, "--to", Path.Combine(dir.Root, "imported"));

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().Contain("the rules need npm packages that are not vetted yet: tiny@1.0.0")
            .And.Contain($"rules modules add tiny@1.0.0 --rules {dir.Rules}");
    }

    [Fact]
    public async Task Vetted_packages_beside_the_export_are_imported_with_the_rules()
    {
        using var dir = new TempRulesDirectory();
        dir.Write("tiny.js", Rule);
        dir.Write("modules/tiny@1.0.0/index.js", "module.exports = { value: 'tiny' };");
        var filesHash = PackageFiles.Hash(PackageFiles.Read(Path.Combine(dir.Rules, "modules", "tiny@1.0.0")));
        new ModulesLock([new LockedPackage("tiny", "1.0.0", "sha512-x", null, new Dictionary<string, string>(), filesHash)]).Write(dir.Rules);
        var target = Path.Combine(dir.Root, "imported");

        var run = await CliRun.RunAsync("import", dir.Rules, "--to", target);

        run.ExitCode.Should().Be(0, run.ToString());
        File.Exists(Path.Combine(target, "modules", "tiny@1.0.0", "index.js")).Should().BeTrue();
        var eval = await CliRun.RunWithStdinAsync("""{ "user": { "user_id": "auth0|a" }, "context": {} }""", "eval", "--rules", target, "--transaction", "-");
        eval.Json()["idToken"]!["https://x/v"]!.GetValue<string>().Should().Be("tiny");
    }

    [Fact]
    public async Task With_add_modules_the_packages_the_rules_require_are_vetted_into_the_export_and_imported()
    {
        await using var registry = await FakeNpmRegistry.StartAsync();
        registry.Publish("tiny", "1.0.0", new Dictionary<string, string> { ["index.js"] = "module.exports = { value: 'tiny' };" })
            .Publish("shout", "1.0.0", new Dictionary<string, string> { ["index.js"] = "module.exports = (s) => s + '?';" })
            .Publish("shout", "2.1.0", new Dictionary<string, string> { ["index.js"] = "module.exports = (s) => s.toUpperCase() + '!';" });
        using var dir = new TempRulesDirectory();
        dir.Write("tiny.js", Rule);
        dir.Write("shout.js", "function (user, context, callback) { context.idToken['https://x/s'] = require('shout')('hi'); callback(null, user, context); }");
        var target = Path.Combine(dir.Root, "imported");

        var run = await CliRun.RunAsync("import", dir.Rules, "--to", target, "--add-modules", "--registry", registry.Address);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("vetting tiny@1.0.0").And.Contain("vetting shout@2.1.0", "a bare require gets the newest release");
        ModulesLock.Read(target)!.Packages.Select(p => p.Key).Should().Equal("shout@2.1.0", "tiny@1.0.0");
        var eval = await CliRun.RunWithStdinAsync("""{ "user": { "user_id": "auth0|a" }, "context": {} }""", "eval", "--rules", target, "--transaction", "-");
        eval.Json()["idToken"]!["https://x/v"]!.GetValue<string>().Should().Be("tiny");
        eval.Json()["idToken"]!["https://x/s"]!.GetValue<string>().Should().Be("HI!");
    }

    [Fact]
    public async Task With_add_modules_a_refused_package_writes_nothing()
    {
        await using var registry = await FakeNpmRegistry.StartAsync();
        registry.Publish("tiny", "1.0.0", new Dictionary<string, string> { ["index.js"] = "" }, tamper: true);
        using var dir = new TempRulesDirectory();
        dir.Write("tiny.js", Rule);
        var target = Path.Combine(dir.Root, "imported");

        var run = await CliRun.RunAsync("import", dir.Rules, "--to", target, "--add-modules", "--registry", registry.Address);

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().Contain("refused: tiny@1.0.0: the tarball's sha512 does not match");
        Directory.Exists(target).Should().BeFalse();
        ModulesLock.Read(dir.Rules).Should().BeNull();
    }
}
