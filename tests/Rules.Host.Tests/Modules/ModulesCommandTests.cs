using System.Formats.Tar;
using System.Text.Json.Nodes;
using Rules.Engine.Modules;
using Rules.Host.Cli;
using Rules.Host.Tests.Cli;

namespace Rules.Host.Tests.Modules;

/// <summary>`rules modules add|list|remove` against a fake npm registry on 127.0.0.1: never the public registry.</summary>
public sealed class ModulesCommandTests
{
    private static readonly Dictionary<string, string> LeftPad = new()
    {
        ["package.json"] = """{ "name": "left-pad", "version": "1.3.0", "main": "index.js" }""",
        ["index.js"] = "const repeat = require('repeat-string'); module.exports = (s, n, c) => repeat(c || ' ', Math.max(0, n - String(s).length)) + s;",
    };

    private static readonly Dictionary<string, string> RepeatString = new()
    {
        ["package.json"] = """{ "name": "repeat-string", "version": "1.6.1" }""",
        ["index.js"] = "module.exports = (s, n) => { let out = ''; for (let i = 0; i < n; i++) out += s; return out; };",
    };

    private const string Rule = "function (user, context, callback) { context.idToken['https://x/pad'] = require('left-pad')('7', 3, '0'); callback(null, user, context); }";

    [Fact]
    public async Task Add_installs_the_package_and_its_dependencies_and_rules_require_it()
    {
        await using var registry = await FakeNpmRegistry.StartAsync();
        registry.Publish("repeat-string", "1.5.0", RepeatString).Publish("repeat-string", "1.6.1", RepeatString).Publish("repeat-string", "2.0.0", RepeatString)
            .Publish("left-pad", "1.3.0", LeftPad, new Dictionary<string, string> { ["repeat-string"] = "^1.5.0" });
        using var dir = new TempRulesDirectory();
        dir.Write("pad.js", Rule);

        var run = await CliRun.RunAsync("modules", "add", "left-pad@1.3.0", "--rules", dir.Rules, "--registry", registry.Address);

        run.ExitCode.Should().Be(0, run.ToString());
        var @lock = ModulesLock.Read(dir.Rules)!;
        @lock.Packages.Select(p => p.Key).Should().Equal("left-pad@1.3.0", "repeat-string@1.6.1");
        @lock.Packages[0].Dependencies.Should().Equal(new Dictionary<string, string> { ["repeat-string"] = "1.6.1" });
        @lock.Packages[0].Integrity.Should().StartWith("sha512-");
        File.Exists(Path.Combine(dir.Rules, "modules", "left-pad@1.3.0", "index.js")).Should().BeTrue();

        var eval = await CliRun.RunWithStdinAsync("""{ "user": { "user_id": "auth0|a" }, "context": {} }""", "eval", "--rules", dir.Rules, "--transaction", "-");
        eval.ExitCode.Should().Be(0, eval.ToString());
        eval.Json()["idToken"]!["https://x/pad"]!.GetValue<string>().Should().Be("007");

        var list = await CliRun.RunAsync("modules", "list", "--rules", dir.Rules);
        list.Stdout.Should().Contain("left-pad@1.3.0").And.Contain("needs repeat-string@1.6.1");
    }

    [Fact]
    public async Task A_scoped_package_is_a_package_not_a_response_file()
    {
        await using var registry = await FakeNpmRegistry.StartAsync();
        registry.Publish("@acme/pad", "1.0.0", LeftPad);
        using var dir = new TempRulesDirectory();

        var run = await CliRun.RunAsync("modules", "add", "@acme/pad@1.0.0", "--rules", dir.Rules, "--registry", registry.Address);

        run.ExitCode.Should().Be(0, run.ToString());
        ModulesLock.Read(dir.Rules)!.Packages.Select(p => p.Key).Should().Equal("@acme/pad@1.0.0");
    }

    [Fact]
    public async Task A_tampered_tarball_is_refused_and_nothing_is_kept()
    {
        await using var registry = await FakeNpmRegistry.StartAsync();
        registry.Publish("left-pad", "1.3.0", LeftPad, tamper: true);
        using var dir = new TempRulesDirectory();

        var run = await CliRun.RunAsync("modules", "add", "left-pad@1.3.0", "--rules", dir.Rules, "--registry", registry.Address);

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().Contain("sha512 does not match the registry's integrity");
        File.Exists(Path.Combine(dir.Rules, ModulesLock.FileName)).Should().BeFalse();
        Directory.Exists(Path.Combine(dir.Rules, "modules")) .Should().BeFalse(because: "nothing of a refused package stays on disk") ;
    }

    [Theory]
    [InlineData("package/../../escaped.js", TarEntryType.RegularFile, null, "points outside the package folder")]
    [InlineData("/etc/escaped.js", TarEntryType.RegularFile, null, "points outside the package folder")]
    [InlineData("package/link.js", TarEntryType.SymbolicLink, "/etc/passwd", "holds a link")]
    [InlineData("package/build/addon.node", TarEntryType.RegularFile, null, "native addon")]
    [InlineData("package/binding.gyp", TarEntryType.RegularFile, null, "native addon")]
    public async Task A_hostile_tarball_entry_is_refused(string entry, TarEntryType type, string? link, string reason)
    {
        await using var registry = await FakeNpmRegistry.StartAsync();
        registry.Publish("left-pad", "1.3.0", LeftPad, extraEntries: [(entry, type, link)]);
        using var dir = new TempRulesDirectory();

        var run = await CliRun.RunAsync("modules", "add", "left-pad@1.3.0", "--rules", dir.Rules, "--registry", registry.Address);

        run.ExitCode.Should().Be(1, run.ToString());
        run.Stderr.Should().Contain(reason);
        File.Exists(Path.Combine(dir.Root, "escaped.js")).Should().BeFalse();
        File.Exists(Path.Combine(dir.Rules, "escaped.js")).Should().BeFalse();
        File.Exists(Path.Combine(dir.Rules, ModulesLock.FileName)).Should().BeFalse();
    }

    [Fact]
    public async Task A_package_with_install_scripts_is_refused_before_download()
    {
        await using var registry = await FakeNpmRegistry.StartAsync();
        registry.Publish("left-pad", "1.3.0", LeftPad, scripts: new JsonObject { ["postinstall"] = "node steal.js" });
        using var dir = new TempRulesDirectory();

        var run = await CliRun.RunAsync("modules", "add", "left-pad@1.3.0", "--rules", dir.Rules, "--registry", registry.Address);

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().Contain("runs install scripts (postinstall)");
        registry.Requests.Should().NotContain(r => r.StartsWith("-/"), "the tarball is never fetched");
    }

    [Fact]
    public async Task Remove_refuses_a_dependency_in_use_and_removes_a_package_with_the_dependencies_nothing_else_needs()
    {
        await using var registry = await FakeNpmRegistry.StartAsync();
        registry.Publish("repeat-string", "1.6.1", RepeatString).Publish("left-pad", "1.3.0", LeftPad, new Dictionary<string, string> { ["repeat-string"] = "~1.6.0" });
        using var dir = new TempRulesDirectory();
        (await CliRun.RunAsync("modules", "add", "left-pad@1.3.0", "--rules", dir.Rules, "--registry", registry.Address)).ExitCode.Should().Be(0);
        ModulesLock.Read(dir.Rules)!.Packages.Select(p => (p.Key, p.Direct)).Should().Equal(("left-pad@1.3.0", true), ("repeat-string@1.6.1", false));

        var refused = await CliRun.RunAsync("modules", "remove", "repeat-string", "--rules", dir.Rules);
        refused.ExitCode.Should().Be(1);
        refused.Stderr.Should().Contain("left-pad@1.3.0 depend(s) on repeat-string");

        var removed = await CliRun.RunAsync("modules", "remove", "left-pad", "--rules", dir.Rules);
        removed.ExitCode.Should().Be(0, removed.ToString());
        removed.Stdout.Should().Contain("removed repeat-string@1.6.1 (no remaining package needs it)");
        ModulesLock.Read(dir.Rules)!.Packages.Should().BeEmpty();
        Directory.Exists(Path.Combine(dir.Rules, "modules", "left-pad@1.3.0")).Should().BeFalse();
        Directory.Exists(Path.Combine(dir.Rules, "modules", "repeat-string@1.6.1")).Should().BeFalse();
    }

    [Fact]
    public async Task A_dependency_also_added_by_name_stays_when_the_package_that_needed_it_goes()
    {
        await using var registry = await FakeNpmRegistry.StartAsync();
        registry.Publish("repeat-string", "1.6.1", RepeatString).Publish("left-pad", "1.3.0", LeftPad, new Dictionary<string, string> { ["repeat-string"] = "~1.6.0" });
        using var dir = new TempRulesDirectory();
        (await CliRun.RunAsync("modules", "add", "left-pad@1.3.0", "--rules", dir.Rules, "--registry", registry.Address)).ExitCode.Should().Be(0);
        (await CliRun.RunAsync("modules", "add", "repeat-string@1.6.1", "--rules", dir.Rules, "--registry", registry.Address)).ExitCode.Should().Be(0);

        (await CliRun.RunAsync("modules", "remove", "left-pad", "--rules", dir.Rules)).ExitCode.Should().Be(0);

        ModulesLock.Read(dir.Rules)!.Packages.Select(p => p.Key).Should().Equal("repeat-string@1.6.1");
    }

    [Fact]
    public async Task A_vendored_package_changed_after_it_was_vetted_fails_the_compile_naming_it()
    {
        await using var registry = await FakeNpmRegistry.StartAsync();
        registry.Publish("repeat-string", "1.6.1", RepeatString).Publish("left-pad", "1.3.0", LeftPad, new Dictionary<string, string> { ["repeat-string"] = "~1.6.0" });
        using var dir = new TempRulesDirectory();
        dir.Write("pad.js", Rule);
        (await CliRun.RunAsync("modules", "add", "left-pad@1.3.0", "--rules", dir.Rules, "--registry", registry.Address)).ExitCode.Should().Be(0);
        (await CliRun.RunAsync("check", dir.Rules)).ExitCode.Should().Be(0);

        File.AppendAllText(Path.Combine(dir.Rules, "modules", "repeat-string@1.6.1", "index.js"), "\nmodule.exports = () => 'owned';");

        var check = await CliRun.RunAsync("check", dir.Rules);
        check.ExitCode.Should().NotBe(0);
        check.ToString().Should().Contain("left-pad -> repeat-string").And.Contain("repeat-string@1.6.1 in ")
            .And.Contain("does not match the lock").And.Contain("run `rules modules add repeat-string@1.6.1` again");

        (await CliRun.RunAsync("modules", "add", "repeat-string@1.6.1", "--rules", dir.Rules, "--registry", registry.Address)).ExitCode.Should().Be(0);
        (await CliRun.RunAsync("check", dir.Rules)).ExitCode.Should().Be(0, "adding it again restores the vetted files");
    }

    [Fact]
    public async Task A_version_is_required()
    {
        var run = await CliRun.RunAsync("modules", "add", "lodash", "--registry", "http://127.0.0.1:9/");
        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain("names no version");
    }
}
