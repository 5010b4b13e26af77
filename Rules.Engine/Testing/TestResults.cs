using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Engine.Testing.Coverage;

namespace Rules.Engine.Testing;

/// <summary>One case's result: passed when <see cref="Mismatches"/> is empty.</summary>
public sealed record TestCaseResult(RuleTestCase Case, Outcome Outcome, JsonObject OutcomeJson, IReadOnlyList<string> Mismatches)
{
    public bool Passed => Mismatches.Count == 0;
}

public sealed record TestRunResult(IReadOnlyList<TestCaseResult> Cases, CoverageReport? Coverage)
{
    public int PassedCount => Cases.Count(c => c.Passed);

    public int FailedCount => Cases.Count(c => !c.Passed);

    public bool AllPassed => FailedCount == 0;
}
