using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;

namespace Rules.Engine.Tests.Modules;

/// <summary>A module runs in the rule sandbox: same limits, same containment, frozen exports, evaluated once per warm runtime.</summary>
public sealed class ModuleSandboxTests
{
    private static RulePipeline Pipeline(TempPackages packages, string rule)
    {
        // A small statement budget, so the loop case trips it long before the time budget on a busy machine.
        var compilation = RuleCompiler.Compile(packages.RuleSet(rule), Rules.Engine.Sandbox.SandboxOptions.Default with { MaxStatements = 200_000 });
        compilation.Errors.Should().BeEmpty();
        return new RulePipeline(compilation.Compiled!);
    }

    private const string RequiresHostile = "function (user, context, callback) { const h = require('hostile'); context.idToken['https://x/h'] = JSON.stringify(h); callback(null, user, context); }";

    [Theory]
    [InlineData("while (true) {}", "MaxStatements")]
    [InlineData("const keep = []; for (;;) keep.push(new Array(100000).fill('x'));", "MemoryLimitBytes")]
    [InlineData("module.exports = 'x'.repeat(1e9);", "MaxStringLength")]
    [InlineData("module.exports = new Uint8Array(2e9);", "MemoryLimitBytes")]
    [InlineData("module.exports = require('crypto').randomBytes(1e9);", "MemoryLimitBytes")]
    public void A_module_that_loops_or_allocates_at_its_top_level_is_contained_as_a_rule_is(string topLevel, string limit)
    {
        using var packages = new TempPackages().Add("hostile", "1.0.0", new Dictionary<string, string> { ["index.js"] = topLevel });
        using var pipeline = Pipeline(packages, RequiresHostile);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.Limit);
        outcome.Failure!.Limit.Should().Be(limit);
        pipeline.IdleRuntimes.Should().Be(0, "a runtime that tripped a limit is discarded");
    }

    [Fact]
    public void A_module_that_tries_to_reach_the_host_gets_nothing()
    {
        using var packages = new TempPackages().Add("hostile", "1.0.0", new Dictionary<string, string>
        {
            ["index.js"] = """
                const probes = {};
                probes.native = typeof native;
                probes.process = typeof process;
                probes.importNamespace = typeof importNamespace;
                probes.System = typeof System;
                probes.hostInThis = typeof this === 'object' && this !== null && 'resolveModule' in this;
                try { require.constructor('return 1')(); probes.fn = 'reached'; } catch (e) { probes.fn = 'blocked'; }
                try { (function () { return this; }).constructor('return globalThis')(); probes.escape = 'reached'; } catch (e) { probes.escape = 'blocked'; }
                module.exports = probes;
                """,
        });
        using var pipeline = Pipeline(packages, RequiresHostile);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Allow);
        outcome.IdToken["https://x/h"]!.GetValue<string>().Should().Be(
            """{"native":"undefined","process":"undefined","importNamespace":"undefined","System":"undefined","hostInThis":false,"fn":"blocked","escape":"blocked"}""");
    }

    [Fact]
    public void Exports_are_frozen_and_a_module_runs_once_per_warm_runtime()
    {
        using var packages = new TempPackages().Add("counter", "1.0.0", new Dictionary<string, string>
        {
            ["index.js"] = "console.log('counter loaded'); module.exports = { nested: { n: 1 } };",
        });
        using var pipeline = Pipeline(packages, """
            function (user, context, callback) {
              const c = require('counter');
              c.nested.n = 99;
              require('crypto').createHash = null;
              context.idToken['https://x/c'] = [c.nested.n, Object.isFrozen(c), Object.isFrozen(require('crypto')), typeof require('crypto').createHash].join(',');
              callback(null, user, context);
            }
            """);
        var first = pipeline.Execute(PipelineFactory.Login());
        var second = pipeline.Execute(PipelineFactory.Login());
        first.IdToken["https://x/c"]!.GetValue<string>().Should().Be("1,true,true,function");
        first.Logs.Should().Contain(l => l.Contains("counter loaded"));
        second.Logs.Should().NotContain(l => l.Contains("counter loaded"), "the warm runtime kept the module");
        second.IdToken["https://x/c"]!.GetValue<string>().Should().Be("1,true,true,function");
    }

    [Fact]
    public void A_package_may_decorate_its_dependency_while_it_loads_and_the_rule_still_gets_both_frozen()
    {
        // moment-timezone's pattern: require('moment'), set moment.tz, export moment.
        using var packages = new TempPackages()
            .Add("base", "1.0.0", new Dictionary<string, string> { ["index.js"] = "module.exports = function base() { return 'base'; };" })
            .Add("plugin", "1.0.0", new Dictionary<string, string>
            {
                ["index.js"] = "var base = require('base'); base.tz = function () { return 'tz'; }; module.exports = base;",
            }, new Dictionary<string, string> { ["base"] = "1.0.0" });
        using var pipeline = Pipeline(packages, """
            function (user, context, callback) {
              const m = require('plugin');
              let late = 'refused';
              try { 'use strict'; m.extra = 1; late = m.extra === 1 ? 'accepted' : 'refused'; } catch (e) { late = 'refused'; }
              context.idToken['https://x/p'] = [m.tz(), Object.isFrozen(m), Object.isFrozen(require('base')), late].join(',');
              callback(null, user, context);
            }
            """);
        var first = pipeline.Execute(PipelineFactory.Login());
        first.Decision.Should().Be(Decision.Allow, first.Failure?.Message);
        first.IdToken["https://x/p"]!.GetValue<string>().Should().Be("tz,true,true,refused");
        pipeline.Execute(PipelineFactory.Login()).IdToken["https://x/p"]!.GetValue<string>().Should().Be("tz,true,true,refused");
    }

    [Fact]
    public void A_module_finds_the_global_object_as_lodash_does()
    {
        using var packages = new TempPackages().Add("rootfinder", "1.0.0", new Dictionary<string, string>
        {
            ["index.js"] = "var freeGlobal = typeof global == 'object' && global && global.Object === Object && global; var root = freeGlobal || Function('return this')(); module.exports = root === globalThis;",
        });
        using var pipeline = Pipeline(packages, "function (user, context, callback) { context.idToken['https://x/r'] = require('rootfinder'); callback(null, user, context); }");
        pipeline.Execute(PipelineFactory.Login()).IdToken["https://x/r"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public void A_rule_without_modules_never_evaluates_one()
    {
        using var pipeline = PipelineFactory.Create("function (user, context, callback) { callback(null, user, context); }");
        pipeline.RuleSet.RequiredModules.Should().BeEmpty();
        pipeline.Execute(PipelineFactory.Login()).Decision.Should().Be(Decision.Allow);
    }
}
