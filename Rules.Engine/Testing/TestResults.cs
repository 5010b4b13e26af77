using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Engine.Testing.Coverage;

namespace Rules.Engine.Testing;

/// <summary>One case's result: passed when <see cref="Mismatches"/> is empty.</summary>
public sealed record TestCaseResult(RuleTestCase Case, Outcome Outcome, JsonObject OutcomeJson, IReadOnlyList<string> Mismatches)
{
    /// <summary>True when the outcome met every expectation.</summary>
    public bool Passed => Mismatches.Count == 0;
}

/// <summary>The result of a test run: every case in order, and coverage when it was asked for.</summary>
/// <param name="Cases">Each case's result, in the order the cases ran.</param>
/// <param name="Coverage">Line coverage of the enabled rules; null unless the run recorded it.</param>
public sealed record TestRunResult(IReadOnlyList<TestCaseResult> Cases, CoverageReport? Coverage)
{
    /// <summary>Cases that passed.</summary>
    public int PassedCount => Cases.Count(c => c.Passed);

    /// <summary>Cases that failed.</summary>
    public int FailedCount => Cases.Count(c => !c.Passed);

    /// <summary>True when no case failed (also for a run with no cases).</summary>
    public bool AllPassed => FailedCount == 0;
}
