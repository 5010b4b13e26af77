using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;

namespace Rules.Engine.Tests.Properties;

/// <summary>What every outcome must satisfy, whatever the rules and the login: the pipeline fails closed.</summary>
internal static class OutcomeInvariants
{
    private static readonly string[] DenialErrors = ["unauthorized", "access_denied"];

    public static void Check(Outcome outcome, RuleSet ruleSet)
    {
        var json = OutcomeJson.Serialize(outcome, includeTimings: false);
        var enabled = ruleSet.Rules.Where(r => r.Enabled).Select(r => r.Name).ToArray();
        if (outcome.IsAllowed)
        {
            // An allow never comes from an error path: nothing failed, and every rule ran to its callback.
            outcome.Kind.Should().BeNull(json);
            outcome.Failure.Should().BeNull(json);
            outcome.Error.Should().BeNull(json);
            outcome.Rule.Should().BeNull(json);
            outcome.Timings.Rules.Select(t => t.Rule).Should().Equal(enabled, "an allow means every enabled rule completed: {0}", json);
        }
        else
        {
            outcome.Kind.Should().NotBeNull("every denial says what kind it is: {0}", json);
            outcome.Error.Should().BeOneOf(DenialErrors, json);
            outcome.ErrorDescription.Should().NotBeNullOrEmpty(json);
            outcome.Rule.Should().BeOneOf(enabled, "a denial names the rule that denied or failed: {0}", json);
            if (outcome.Kind != DenialKind.RuleDenied)
            {
                outcome.Failure.Should().NotBeNull("a failure carries details for the rule's author: {0}", json);
            }
            // Nothing runs after a denial. (No timings at all when the login failed before the first rule started.)
            if (outcome.Timings.Rules.Count > 0)
            {
                outcome.Timings.Rules[^1].Rule.Should().Be(outcome.Rule, json);
            }
        }
    }

    /// <summary>The outcome without wall-clock timings: what must not change between runs of the same input.</summary>
    public static string Comparable(Outcome outcome) => OutcomeJson.Serialize(outcome, indented: true, includeTimings: false);
}
