using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Host.RuleSets;

namespace Rules.Host.Dashboard;

/// <summary>A trial's answer: the outcome, or why the script under trial did not compile.</summary>
public sealed record RuleTrialResult(Outcome? Outcome, IReadOnlyList<RuleCompilationError> CompileErrors);

/// <summary>
/// "Try this rule": runs a rule's text (saved or not) against a sample login, alone or in the whole live pipeline with
/// this text in its place (and enabled), through the engine's own compiler and pipeline with the server's sandbox
/// limits (<see cref="RuleSetProvider.Sandbox"/>) and the live configuration. The pipeline is a private one, built for
/// the trial and disposed after it: the live pipeline, its runtimes and <c>global</c> are never touched, and the
/// metadata updates a rule asks for are reported, never applied.
/// </summary>
public sealed class RuleTrial(RuleSetProvider provider)
{
    public RuleTrialResult Run(string ruleName, string script, bool wholePipeline, LoginTransaction transaction)
    {
        var live = provider.Current?.RuleSet.RuleSet ?? (provider.FromDirectory ? RuleSet.Empty : provider.LoadFromDatabase());
        var underTrial = new RuleSource(ruleName, $"rules/{ruleName}.js", script, Enabled: true);
        var rules = wholePipeline
            ? live.Rules.Select(r => r.Name == ruleName ? underTrial : r).Append(underTrial).DistinctBy(r => r.Name).ToArray()
            : [underTrial];

        var compilation = RuleCompiler.Compile(new RuleSet(rules, live.Configuration, null, live.Packages, live.Egress), provider.Sandbox, provider.Scripts);
        if (!compilation.Succeeded)
        {
            return new RuleTrialResult(null, compilation.Errors);
        }
        using var pipeline = new RulePipeline(compilation.Compiled!);
        // A trial never calls out: each call the rule makes is refused (ERR_NO_FIXTURE, or the egress policy's refusal)
        // and listed in the outcome's "http", so the operator sees what the rule would have called.
        var http = new Rules.Engine.Http.FixtureHttpTransport([], pipeline.Egress);
        return new RuleTrialResult(pipeline.Execute(transaction, new ExecutionOptions { FreshGlobal = true, Http = http }), []);
    }
}
