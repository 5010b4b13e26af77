using CsCheck;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Xunit.Abstractions;

namespace Rules.Engine.Tests.Properties;

/// <summary>
/// Issue 8, "fail closed, always": over random logins and broken rule sets, no exception escapes the pipeline,
/// every failure is a denial with a kind, an allow never comes from an error path, and the same input (fixed
/// clock and Math.random seed) gives the same outcome on every run.
/// </summary>
public sealed class FailClosedProperties(ITestOutputHelper output)
{
    [Fact]
    public void Random_logins_through_the_sample_rules_fail_closed_and_repeat()
    {
        var compiled = Compile(RuleMutationGen.Samples).Compiled!;
        using var pipeline = new RulePipeline(compiled);
        using var second = new RulePipeline(compiled);

        TransactionGen.Transaction.Sample(input =>
        {
            var first = Run(pipeline, input);
            OutcomeInvariants.Check(first, compiled.RuleSet);
            var again = OutcomeInvariants.Comparable(Run(pipeline, input));
            var elsewhere = OutcomeInvariants.Comparable(Run(second, input));
            again.Should().Be(OutcomeInvariants.Comparable(first), "the same login on the same runtime");
            elsewhere.Should().Be(again, "the same login on another runtime");
            return Classify(first);
        }, iter: PropertySettings.Iterations(1000), threads: PropertySettings.Threads, writeLine: output.WriteLine);
    }

    [Fact]
    public void Mutated_rule_sets_report_compile_errors_or_fail_closed_and_repeat()
    {
        Gen.Select(RuleMutationGen.Mutant, TransactionGen.Transaction).Sample((mutant, input) =>
        {
            var compilation = Compile(mutant.RuleSet);
            if (!compilation.Succeeded)
            {
                compilation.Errors.Should().NotBeEmpty("a rule set that does not compile says why");
                compilation.Errors.Select(e => e.File).Should().BeSubsetOf(mutant.RuleSet.Rules.Select(r => r.File));
                return "compile error";
            }

            using var pipeline = new RulePipeline(compilation.Compiled!);
            var first = Run(pipeline, input);
            OutcomeInvariants.Check(first, mutant.RuleSet);
            OutcomeInvariants.Comparable(Run(pipeline, input)).Should().Be(OutcomeInvariants.Comparable(first), "the same login twice");
            return Classify(first);
        }, iter: PropertySettings.Iterations(250), threads: PropertySettings.Threads, writeLine: output.WriteLine);
    }

    [Fact]
    public void A_rule_that_can_only_fail_never_lets_a_login_through()
    {
        Gen.Select(FaultGen.Injection, TransactionGen.Transaction).Sample((injection, input) =>
        {
            var (fault, target) = injection;
            var rules = RuleMutationGen.Samples.Rules.ToArray();
            rules[target] = rules[target] with { Script = RuleMutationGen.InsertAtBodyStart(rules[target].Script, fault.Code) };
            var ruleSet = new RuleSet(rules, RuleMutationGen.Samples.Configuration);
            var compilation = Compile(ruleSet);
            compilation.Errors.Should().BeEmpty("the injected code is valid JavaScript");

            using var pipeline = new RulePipeline(compilation.Compiled!);
            var outcome = Run(pipeline, input);
            var json = OutcomeInvariants.Comparable(outcome);
            OutcomeInvariants.Check(outcome, ruleSet);

            outcome.Decision.Should().Be(Decision.Deny, json);
            var denier = Array.FindIndex(rules, r => r.Name == outcome.Rule);
            denier.Should().BeInRange(0, target, "only the faulty rule or one before it can have decided: {0}", json);
            if (denier == target)
            {
                outcome.Kind.Should().BeOneOf(fault.Kinds, json);
            }
            OutcomeInvariants.Comparable(Run(pipeline, input)).Should().Be(json, "the same login twice");
            return denier == target ? $"denied by the faulty rule: {Classify(outcome)}" : "denied earlier";
        }, iter: PropertySettings.Iterations(120), threads: PropertySettings.Threads, writeLine: output.WriteLine);
    }

    /// <summary>The summary CsCheck prints: shows the generators reach allows, denials and every kind of failure.</summary>
    private static string Classify(Outcome outcome) =>
        outcome.IsAllowed ? "allow" : $"deny: {OutcomeJson.KindName(outcome.Kind!.Value)}{(outcome.Failure?.Limit is { } limit ? " " + limit : "")}";

    private static RuleSetCompilation Compile(RuleSet ruleSet)
    {
        // Compile errors are data: whatever the source, the compiler answers and never throws.
        var compile = () => RuleCompiler.Compile(ruleSet, PropertySettings.Sandbox);
        return compile.Should().NotThrow().Subject;
    }

    private static Outcome Run(RulePipeline pipeline, TransactionInput input)
    {
        var execute = () => pipeline.Execute(input.ToTransaction(), input.Options);
        return execute.Should().NotThrow("no exception may escape the pipeline").Subject;
    }
}
