using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;

namespace Rules.Engine.Tests;

public class CachingAndConcurrencyTests
{
    private static RuleSet FiveRules(string fifth = "callback(null, user, context);") => new(
        Enumerable.Range(1, 4).Select(i => new RuleSource($"r{i}", $"r{i}.js",
            $"function (user, context, callback) {{ context.idToken['https://example.com/r{i}'] = user.email; callback(null, user, context); }}"))
        .Append(new RuleSource("r5", "r5.js", $"function (user, context, callback) {{ {fifth} }}")));

    [Fact]
    public void Compiling_the_same_rules_again_parses_nothing()
    {
        using var cache = new ScriptCache();
        RuleCompiler.Compile(FiveRules(), cache: cache).Succeeded.Should().BeTrue();
        cache.ParseCount.Should().Be(5);
        RuleCompiler.Compile(FiveRules(), cache: cache).Succeeded.Should().BeTrue();
        cache.ParseCount.Should().Be(5);
    }

    [Fact]
    public void Changing_one_rule_recompiles_that_rule_only()
    {
        using var cache = new ScriptCache();
        var first = RuleCompiler.Compile(FiveRules(), cache: cache);
        var second = RuleCompiler.Compile(FiveRules("context.idToken['https://example.com/v2'] = 1; callback(null, user, context);"), cache: cache);
        cache.ParseCount.Should().Be(6);
        second.RuleSet.Version.Should().NotBe(first.RuleSet.Version);
    }

    [Fact]
    public void Many_threads_share_one_pipeline_safely()
    {
        using var pipeline = new RulePipeline(RuleCompiler.Compile(FiveRules(), cache: new ScriptCache()).Compiled!);
        var emails = Enumerable.Range(0, 400).Select(i => $"user{i}@example.com").ToArray();
        var outcomes = new Outcome[emails.Length];
        Parallel.For(0, emails.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            outcomes[i] = pipeline.Execute(PipelineFactory.Login($$"""{ "user_id": "auth0|{{i}}", "email": "{{emails[i]}}" }""")));

        for (var i = 0; i < emails.Length; i++)
        {
            outcomes[i].Decision.Should().Be(Decision.Allow);
            outcomes[i].IdToken.Select(c => c.Value!.GetValue<string>()).Should().AllBe(emails[i], "no login may see another login's user");
        }
        pipeline.RuntimesCreated.Should().BeLessThanOrEqualTo(4 + 1);
    }

    [Fact]
    public void A_runtime_that_tripped_a_limit_is_discarded()
    {
        using var pipeline = PipelineFactory.Create(Engine.Sandbox.SandboxOptions.Default with { MaxPooledRuntimes = 1, MaxStatements = 10_000 },
            "function (user, context, callback) { if (user.loop) { while (true) {} } callback(null, user, context); }");
        pipeline.Execute(PipelineFactory.Login());
        pipeline.RuntimesCreated.Should().Be(1);
        pipeline.Execute(PipelineFactory.Login("""{ "user_id": "auth0|x", "loop": true }""")).Kind.Should().Be(DenialKind.Limit);
        pipeline.Execute(PipelineFactory.Login()).Decision.Should().Be(Decision.Allow);
        pipeline.RuntimesCreated.Should().Be(2, "the runtime that hit the limit was thrown away and a new one built");
    }

    [Fact]
    public void An_empty_rule_set_allows_as_Auth0_did_without_rules()
    {
        using var pipeline = new RulePipeline(RuleCompiler.Compile(RuleSet.Empty).Compiled!);
        pipeline.Execute(PipelineFactory.Login()).Decision.Should().Be(Decision.Allow);
    }

    [Fact]
    public void Disabled_rules_do_not_run()
    {
        var set = new RuleSet([
            new RuleSource("off", "off.js", "function (user, context, callback) { callback(new UnauthorizedError('off')); }", Enabled: false),
            new RuleSource("on", "on.js", "function (user, context, callback) { callback(null, user, context); }"),
        ]);
        using var pipeline = new RulePipeline(RuleCompiler.Compile(set).Compiled!);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Allow);
        outcome.Timings.Rules.Select(t => t.Rule).Should().Equal("on");
    }
}
