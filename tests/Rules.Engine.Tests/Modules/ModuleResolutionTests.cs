using Rules.Engine.Compilation;
using Rules.Engine.Modules;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;

namespace Rules.Engine.Tests.Modules;

/// <summary>Every require is resolved when the rule set compiles: what cannot be resolved is an error at the rule's line, never a login failure.</summary>
public sealed class ModuleResolutionTests
{
    private static RuleSetCompilation Compile(string script) =>
        RuleCompiler.Compile(new RuleSet([new RuleSource("rule", "rule.js", script)]));

    [Fact]
    public void An_unknown_module_fails_the_compile_at_its_line_with_the_fix()
    {
        var compilation = Compile("function (user, context, callback) {\n  const _ = require('lodash@4.17.19');\n  callback(null, user, context);\n}");
        compilation.Succeeded.Should().BeFalse();
        var error = compilation.Errors.Single();
        (error.File, error.Line, error.Column).Should().Be(("rule.js", 2, 13));
        error.Message.Should().Contain("run `rules modules add lodash@4.17.19`", because: "the error names the fix").And.NotContain("installed:");
    }

    [Fact]
    public void A_computed_module_name_fails_the_compile()
    {
        var compilation = Compile("function (user, context, callback) { const name = 'crypto'; require(name); callback(null, user, context); }");
        compilation.Errors.Single().Message.Should().Contain("string literal");
    }

    [Theory]
    [InlineData("fs")]
    [InlineData("child_process")]
    [InlineData("net")]
    [InlineData("http")]
    [InlineData("os")]
    [InlineData("process")]
    [InlineData("vm")]
    [InlineData("worker_threads")]
    [InlineData("node:fs")]
    public void Node_io_modules_are_refused_by_name(string name)
    {
        var compilation = Compile($"function (user, context, callback) {{ require('{name}'); callback(null, user, context); }}");
        compilation.Errors.Single().Message.Should().StartWith($"require('{name.Replace("node:", "")}') is refused: ");
    }

    [Fact]
    public void Host_modules_are_named_as_not_provided_when_the_host_has_none()
    {
        Compile("function (user, context, callback) { const { ManagementClient } = require('auth0'); callback(null, user, context); }")
            .Errors.Single().Message.Should().Be("require('auth0') is not provided by this host: the Management API client is provided by Rules.Host (rules serve, eval, test)");
    }

    [Fact]
    public void A_host_module_is_resolved_through_the_options_seam()
    {
        var greeting = new ModuleDefinition
        {
            Name = "greeting",
            Origin = ModuleOrigin.Host,
            Main = "index.js",
            Files = new Dictionary<string, string> { ["index.js"] = "module.exports = (name) => native.prefix + name;" },
            Native = context => { var o = context.NewObject(); o.FastSetDataProperty("prefix", new Jint.Native.JsString("hello ")); return o; },
        };
        var options = SandboxOptions() with { HostModules = [new SingleModule(greeting)] };
        var compilation = RuleCompiler.Compile(new RuleSet([new RuleSource("rule", "rule.js",
            "function (user, context, callback) { context.idToken['https://x/g'] = require('greeting')('alice'); callback(null, user, context); }")]), options);
        using var pipeline = new RulePipeline(compilation.Compiled!);
        pipeline.Execute(PipelineFactory.Login()).IdToken["https://x/g"]!.GetValue<string>().Should().Be("hello alice");
        compilation.Compiled!.RequiredModules.Should().Equal("greeting");
    }

    [Fact]
    public void An_installed_package_resolves_by_name_and_by_its_exact_version()
    {
        using var packages = new TempPackages().Add("leftpad", "1.3.0", new Dictionary<string, string>
        {
            ["package.json"] = """{ "name": "leftpad", "version": "1.3.0", "main": "./lib/pad" }""",
            ["lib/pad.js"] = "const util = require('./util'); module.exports = (s, n) => util.fill(n - s.length) + s;",
            ["lib/util.js"] = "exports.fill = (n) => n > 0 ? ' '.repeat(n) : '';",
        });
        var compilation = RuleCompiler.Compile(packages.RuleSet(
            "function (user, context, callback) { context.idToken['https://x/p'] = require('leftpad')('a', 3) + '|' + require('leftpad@1.3.0')('b', 2); callback(null, user, context); }"));
        compilation.Errors.Should().BeEmpty();
        using var pipeline = new RulePipeline(compilation.Compiled!);
        pipeline.Execute(PipelineFactory.Login()).IdToken["https://x/p"]!.GetValue<string>().Should().Be("  a| b");
    }

    [Fact]
    public void A_version_that_is_not_installed_lists_what_is()
    {
        using var packages = new TempPackages().Add("leftpad", "1.3.0", new Dictionary<string, string> { ["index.js"] = "module.exports = 1;" });
        var compilation = RuleCompiler.Compile(packages.RuleSet("function (user, context, callback) { require('leftpad@1.1.0'); callback(null, user, context); }"));
        compilation.Errors.Single().Message.Should().Contain("needs exactly leftpad@1.1.0; installed: leftpad@1.3.0");
    }

    [Fact]
    public void A_package_that_needs_node_io_fails_the_compile_naming_the_chain()
    {
        using var packages = new TempPackages()
            .Add("crm-client", "0.1.7", new Dictionary<string, string> { ["index.js"] = "const needle = require('needle'); module.exports = needle;" }, new Dictionary<string, string> { ["needle"] = "3.2.0" })
            .Add("needle", "3.2.0", new Dictionary<string, string> { ["index.js"] = "const http = require('http'); module.exports = {};" });
        var compilation = RuleCompiler.Compile(packages.RuleSet("function (user, context, callback) { require('crm-client'); callback(null, user, context); }"));
        compilation.Errors.Single().Message.Should().Be("crm-client -> needle -> http: require('http') is refused: rules cannot open sockets; outbound HTTP goes through the host's HTTP modules");
    }

    [Fact]
    public void A_package_built_on_request_gets_the_http_facade()
    {
        using var packages = new TempPackages()
            .Add("slack-notify", "0.1.7", new Dictionary<string, string> { ["index.js"] = "const request = require('request'); module.exports = { request: request };" });
        var compilation = RuleCompiler.Compile(packages.RuleSet(
            "function (user, context, callback) { const slack = require('slack-notify'); context.idToken['https://x/same'] = slack.request === require('request'); callback(null, user, context); }"));
        compilation.Errors.Should().BeEmpty();
        using var pipeline = new RulePipeline(compilation.Compiled!);
        pipeline.Execute(PipelineFactory.Login()).IdToken["https://x/same"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public void Dependencies_resolve_to_the_locked_version_and_built_ins_inside_a_package_are_ours()
    {
        using var packages = new TempPackages()
            .Add("outer", "1.0.0", new Dictionary<string, string> { ["index.js"] = "module.exports = { inner: require('inner'), crypto: require('crypto') };" }, new Dictionary<string, string> { ["inner"] = "2.0.0" })
            .Add("inner", "1.0.0", new Dictionary<string, string> { ["index.js"] = "module.exports = 'one';" })
            .Add("inner", "2.0.0", new Dictionary<string, string> { ["index.js"] = "module.exports = 'two';" });
        var compilation = RuleCompiler.Compile(packages.RuleSet(
            "function (user, context, callback) { const o = require('outer'); context.idToken['https://x/o'] = o.inner + (o.crypto === require('crypto')); callback(null, user, context); }"));
        compilation.Errors.Should().BeEmpty();
        using var pipeline = new RulePipeline(compilation.Compiled!);
        pipeline.Execute(PipelineFactory.Login()).IdToken["https://x/o"]!.GetValue<string>().Should().Be("twotrue");
    }

    [Fact]
    public void The_locked_packages_are_part_of_the_rule_set_version()
    {
        using var packages = new TempPackages().Add("leftpad", "1.3.0", new Dictionary<string, string> { ["index.js"] = "module.exports = 1;" });
        const string rule = "function (user, context, callback) { callback(null, user, context); }";
        var without = new RuleSet([new RuleSource("rule1", "rule1.js", rule)]);
        var with = packages.RuleSet(rule);
        with.Version.Should().NotBe(without.Version);
        RuleSetDirectory.Load(WriteRule(packages.Directory, rule)).Version.Should().Be(with.Version);
    }

    private static string WriteRule(string directory, string rule)
    {
        File.WriteAllText(Path.Combine(directory, "rule1.js"), rule);
        return directory;
    }

    private static Rules.Engine.Sandbox.SandboxOptions SandboxOptions() => Rules.Engine.Sandbox.SandboxOptions.Default;

    private sealed class SingleModule(ModuleDefinition module) : IModuleSource
    {
        public ModuleDefinition? Find(string name, string? version) => name == module.Name ? module : null;

        public IReadOnlyList<string> Versions(string name) => [];
    }
}
