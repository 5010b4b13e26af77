using System.Diagnostics;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests;

/// <summary>
/// Runs every rule in <see cref="HostileRules"/>: the hostile login must be denied the right way (or be harmless),
/// within its time budget, and the next login on the same pipeline must find the sandbox exactly as it was.
/// </summary>
public class HostileRuleCatalogueTests
{
    // Generous: these assert that the budget holds, not how fast the machine is.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);

    public static TheoryData<string> Catalogue() => new(HostileRules.All.Select(rule => rule.Name));

    [Fact]
    public void Catalogue_is_large_enough_and_keeps_some_cases_on_the_default_limits()
    {
        HostileRules.All.Should().HaveCountGreaterThanOrEqualTo(30);
        HostileRules.All.Count(rule => ReferenceEquals(rule.Options, Sandbox.SandboxOptions.Default)).Should().BeGreaterThanOrEqualTo(2);
    }

    [Theory]
    [MemberData(nameof(Catalogue))]
    public void Hostile_rule_is_contained(string name)
    {
        var rule = HostileRules.Find(name);
        using var pipeline = HostileRules.Build(rule);

        if (rule.Prime is not null)
        {
            pipeline.Execute(HostileRules.PrimingLogin());
        }
        var clock = Stopwatch.StartNew();
        var outcome = pipeline.Execute(HostileRules.HostileLogin(rule));
        clock.Stop();
        var runtimesAfterHostile = pipeline.RuntimesCreated;
        var json = OutcomeJson.Serialize(outcome);

        outcome.Decision.Should().Be(rule.Expected.Decision, json);
        if (OutranByTheClock(rule, outcome, clock.Elapsed))
        {
            // A machine too busy to reach the limit within the budget stops the rule on the clock instead: still
            // contained and denied, which is what matters; the limit itself is checked wherever the machine keeps up.
            outcome.Failure!.Limit.Should().Be("TimeBudget", json);
        }
        else
        {
            outcome.Kind.Should().Be(rule.Expected.Kind, json);
            outcome.Failure?.Limit.Should().Be(rule.Expected.Limit, json);
        }
        if (rule.Expected.Decision == Decision.Deny)
        {
            outcome.Rule.Should().Be(rule.DeniedBy ?? "rule1", json);
        }
        if (rule.MessageContains is not null)
        {
            (outcome.Failure?.Message ?? outcome.ErrorDescription).Should().Contain(rule.MessageContains, json);
        }
        clock.Elapsed.Should().BeLessThan(rule.Options.TimeBudget + Slack, "the login must end within its budget");
        rule.Verify?.Invoke(outcome);

        // The next login on the same pipeline: allowed, and the built-ins it checks are intact.
        var next = pipeline.Execute(HostileRules.BenignLogin());
        var nextJson = OutcomeJson.Serialize(next);
        next.Decision.Should().Be(Decision.Allow, nextJson);
        next.IdToken["https://example.com/checked"]?.GetValue<bool>().Should().BeTrue(nextJson);
        next.Logs.Should().Equal(["[rule1] benign login ran"], nextJson);
        next.User.Should().NotContainKey("isAdmin");

        // A runtime that tripped a limit is discarded; otherwise the next login ran on the very runtime the hostile rule used.
        pipeline.RuntimesCreated.Should().Be(runtimesAfterHostile + (rule.ExpectsRuntimeReuse ? 0 : 1),
            rule.ExpectsRuntimeReuse ? "the benign login must reuse the runtime the hostile rule touched" : "a runtime that tripped a limit is never reused");
    }

    private static bool OutranByTheClock(HostileRule rule, Outcome outcome, TimeSpan elapsed) =>
        rule.Expected.Kind == DenialKind.Limit && outcome.Kind == DenialKind.Timeout && elapsed >= rule.Options.TimeBudget;

    [Fact(Skip = "Known gap, needs a Jint fix: BigInt `*` has no result-size check (unlike `**` and `<<`), and one multiplication of multi-megabit values runs for seconds inside the engine, where no limit is checked.")]
    public void BigInt_squaring_loop_stops_within_the_budget()
    {
        var rule = new HostileRule("BigInt squaring", "let x = 3n; for (;;) x = x * x;", HostileExpectation.OutOfTime) { Options = HostileRules.ClockLimited };
        using var pipeline = HostileRules.Build(rule);
        var clock = Stopwatch.StartNew();
        var outcome = pipeline.Execute(HostileRules.HostileLogin(rule));
        outcome.Decision.Should().Be(Decision.Deny);
        clock.Elapsed.Should().BeLessThan(rule.Options.TimeBudget + Slack);
    }
}
