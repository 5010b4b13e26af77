using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Tests.Actions;

public class ActionLifecycleTests
{
    [Fact]
    public void Module_exports_object_form_runs()
    {
        using var pipeline = ActionPipeline.Of(("action", """
            async function onExecutePostLogin(event, api) { api.idToken.setCustomClaim('https://t/ok', true); }
            module.exports = { onExecutePostLogin };
            """));

        pipeline.Execute(PipelineFactory.Login()).IdToken["https://t/ok"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public void A_synchronous_handler_runs_too()
    {
        using var pipeline = ActionPipeline.Of(("action", "exports.onExecutePostLogin = function (event, api) { api.access.deny('sync'); };"));
        pipeline.Execute(PipelineFactory.Login()).ErrorDescription.Should().Be("sync");
    }

    [Fact]
    public void The_module_runs_once_per_runtime_and_stays_warm()
    {
        using var pipeline = ActionPipeline.Of(("action", """
            let loads = (globalThis.loadsSeen || 0) + 1;
            let calls = 0;
            exports.onExecutePostLogin = async (event, api) => {
              calls++;
              api.idToken.setCustomClaim('https://t/calls', calls);
            };
            """));

        pipeline.Execute(PipelineFactory.Login());
        var second = pipeline.Execute(PipelineFactory.Login());

        second.IdToken["https://t/calls"]!.GetValue<double>().Should().Be(2, "the same warm runtime served both logins");
    }

    [Fact]
    public void Replay_options_give_each_login_a_fresh_module()
    {
        using var pipeline = ActionPipeline.Of(("action", """
            let calls = 0;
            exports.onExecutePostLogin = async (event, api) => { calls++; api.idToken.setCustomClaim('https://t/calls', calls); };
            """));

        pipeline.Execute(PipelineFactory.Login(), ExecutionOptions.Deterministic(1));
        var second = pipeline.Execute(PipelineFactory.Login(), ExecutionOptions.Deterministic(2));

        second.IdToken["https://t/calls"]!.GetValue<double>().Should().Be(1);
    }

    [Fact]
    public void A_rejected_promise_denies_as_rule_error_with_its_message()
    {
        using var pipeline = ActionPipeline.Action("throw new Error('directory is down');");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.ErrorDescription.Should().Be("The login could not be completed: rule 'action' failed.");
        outcome.Failure!.Message.Should().Be("Error: directory is down");
    }

    [Fact]
    public void A_synchronous_throw_is_located_in_the_authors_file()
    {
        using var pipeline = ActionPipeline.Of(("action", "exports.onExecutePostLogin = function (event, api) {\n  const x = null;\n  return x.boom;\n};"));

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.File.Should().Be("action.js");
        outcome.Failure.Line.Should().Be(3);
        outcome.Failure.SourceLine.Should().Be("  return x.boom;");
    }

    [Fact]
    public void A_throw_on_the_first_line_has_the_authors_column()
    {
        using var pipeline = ActionPipeline.Of(("action", "exports.onExecutePostLogin = function () { null.x; };"));

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Failure!.Line.Should().Be(1);
        outcome.Failure.Column.Should().BeInRange(44, 50, "the wrapper's prefix is subtracted");
    }

    [Fact]
    public void A_promise_that_never_settles_is_denied_at_once_as_a_timeout()
    {
        using var pipeline = ActionPipeline.Action("await new Promise(() => {});");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Kind.Should().Be(DenialKind.Timeout);
        outcome.Failure!.Message.Should().Contain("can never settle");
        outcome.Timings.TotalMs.Should().BeLessThan(SandboxOptions.Default.TimeBudget.TotalMilliseconds, "nothing can settle it, so the login does not wait for the budget");
    }

    // A small statement limit trips long before the time budget, however busy the machine is.
    private static readonly SandboxOptions FewStatements = SandboxOptions.Default with { MaxStatements = 100_000 };

    [Fact]
    public void Sandbox_limits_apply_to_actions()
    {
        using var pipeline = ActionPipeline.Of(FewStatements, null, ("action", "exports.onExecutePostLogin = async () => { while (true) {} };"));
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Kind.Should().Be(DenialKind.Limit);
        outcome.Failure!.Limit.Should().Be("MaxStatements");
    }

    [Fact]
    public void A_limit_tripped_after_a_deny_is_reported_as_the_limit_and_the_runtime_is_not_reused()
    {
        using var pipeline = ActionPipeline.Of(FewStatements, null, ("action", "exports.onExecutePostLogin = async (event, api) => { api.access.deny('no'); while (true) {} };"));

        var outcome = pipeline.Execute(PipelineFactory.Login());
        pipeline.Execute(PipelineFactory.Login());

        outcome.Kind.Should().Be(DenialKind.Limit);
        pipeline.RuntimesCreated.Should().Be(2, "a runtime that tripped a limit is discarded");
    }

    [Fact]
    public void Module_top_level_code_runs_under_the_limits_too()
    {
        using var pipeline = ActionPipeline.Of(FewStatements, null, ("action", "while (true) {}\nexports.onExecutePostLogin = async () => {};"));
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Kind.Should().Be(DenialKind.Limit);
        outcome.Failure!.Limit.Should().Be("MaxStatements");
        outcome.Rule.Should().Be("action");
    }

    [Fact]
    public void Require_of_a_module_this_engine_lacks_fails_the_compile()
    {
        var compilation = Rules.Engine.Compilation.RuleCompiler.Compile(new Rules.Engine.RuleSets.RuleSet(
            [new Rules.Engine.RuleSets.RuleSource("action", "action.js", "const fs = require('fs');\nexports.onExecutePostLogin = async () => {};")]));
        compilation.Succeeded.Should().BeFalse();
        compilation.Errors.Single().Format().Should().StartWith("action.js:1:12: error: require('fs') is refused");
    }

    [Fact]
    public void An_api_kept_past_its_call_can_change_nothing()
    {
        using var pipeline = ActionPipeline.Of(
            ("keep", "exports.onExecutePostLogin = async (event, api) => { global.kept = api; };"),
            ("rule", "function (user, context, callback) { try { global.kept.access.deny('late'); } catch (e) { console.log(e.message); } callback(null, user, context); }"));

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Allow);
        outcome.Logs.Should().Contain(l => l.Contains("can only be called while an action's onExecutePostLogin runs"));
    }

    [Fact]
    public void Files_are_told_apart_at_compile_time()
    {
        var compiled = RuleCompiler.Compile(new RuleSet([
            new RuleSource("rule", "rule.js", "function (user, context, callback) { callback(null, user, context); }"),
            new RuleSource("action", "action.js", "/** header */\nexports.onExecutePostLogin = async (event, api) => {};"),
        ])).Compiled!;

        compiled.Rules.Select(r => r.Kind).Should().Equal(RuleKind.Rule, RuleKind.Action);
    }

    [Theory]
    [InlineData("exports.onExecutePreUserRegistration = async () => {};", "exports.onExecutePreUserRegistration is not supported by this host")]
    [InlineData("exports.helper = 1;", "an Actions-style file must export onExecutePostLogin")]
    public void A_module_without_a_post_login_handler_does_not_compile(string source, string message)
    {
        var (rule, error) = RuleCompiler.CompileRule(new RuleSource("a", "a.js", source));
        rule.Should().BeNull();
        error!.Message.Should().Contain(message);
    }

    [Fact]
    public void A_rule_followed_by_module_exports_is_left_to_the_rule_compiler()
    {
        var (rule, error) = RuleCompiler.CompileRule(new RuleSource("a", "a.js",
            "function myRule(user, context, callback) { callback(null, user, context); }\nmodule.exports = myRule;"));
        rule.Should().BeNull();
        error!.Message.Should().Contain("a rule file holds exactly one function");
    }

    [Fact]
    public void A_syntax_error_in_a_module_points_at_the_authors_line_and_column()
    {
        var (_, error) = RuleCompiler.CompileRule(new RuleSource("a", "a.js", "exports.onExecutePostLogin = async (event, api) => {\n  const x = ;\n};"));
        error!.Format().Should().StartWith("a.js:2:13: error:");
    }
}
