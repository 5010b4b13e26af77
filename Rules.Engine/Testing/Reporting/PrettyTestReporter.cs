using System.Globalization;
using Rules.Engine.Pipeline;
using Rules.Engine.Testing.Coverage;

namespace Rules.Engine.Testing.Reporting;

/// <summary>
/// PASS/FAIL per case, expected-vs-actual lines under each failure, the failing rule's file:line:col and source line,
/// then coverage when it was recorded, and last a line of its own: <c>N passed, M failed</c>.
/// </summary>
public sealed class PrettyTestReporter : ITestReporter
{
    /// <summary><inheritdoc /></summary>
    public void Report(TestRunResult result, TextWriter output)
    {
        foreach (var testCase in result.Cases)
        {
            if (testCase.Passed)
            {
                output.WriteLine($"PASS  {testCase.Case.Id}");
                continue;
            }

            output.WriteLine($"FAIL  {testCase.Case.Id}  ({testCase.Case.Location})");
            foreach (var mismatch in testCase.Mismatches)
            {
                output.WriteLine($"      {mismatch}");
            }
            WriteOutcomeSummary(testCase.Outcome, output);
        }

        if (result.Coverage is { } coverage)
        {
            WriteCoverage(coverage, output);
        }
        output.WriteLine($"{result.PassedCount} passed, {result.FailedCount} failed");
    }

    private static void WriteOutcomeSummary(Outcome outcome, TextWriter output)
    {
        if (outcome.IsAllowed)
        {
            output.WriteLine("      actual: allow");
            return;
        }
        if (outcome.Redirect is { } redirect)
        {
            output.WriteLine($"      actual: redirect by rule '{outcome.Rule}' to {redirect.Url}");
            return;
        }
        var kind = outcome.Kind is { } k ? OutcomeJson.KindName(k) : "?";
        output.WriteLine($"      actual: deny by rule '{outcome.Rule}' ({kind}, {outcome.Error}): {outcome.ErrorDescription}");
        if (outcome.Failure is { } failure)
        {
            foreach (var line in FailureText.Lines(outcome.Rule, failure))
            {
                output.WriteLine("      " + line);
            }
        }
    }

    private static void WriteCoverage(CoverageReport coverage, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("coverage (statement lines executed by the cases):");
        foreach (var rule in coverage.Rules)
        {
            output.WriteLine($"  {Percent(rule.Percent),6}  {rule.ExecutedLines.Count}/{rule.CoverableLines} lines  {rule.Rule} ({rule.File})");
            if (rule.MissedLines.Count > 0)
            {
                output.WriteLine($"          never reached: {CoverageReport.Ranges(rule.MissedLines)}");
            }
        }
        output.WriteLine($"  {Percent(coverage.Percent),6}  {coverage.ExecutedLines}/{coverage.CoverableLines} lines  total");
        output.WriteLine();
    }

    /// <summary>A percentage with one decimal, culture-invariant (<c>87.5%</c>).</summary>
    public static string Percent(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + "%";
}

/// <summary>A rule failure as its author needs it: rule, file:line:col, message, the source line and a caret.</summary>
public static class FailureText
{
    /// <summary>The failure as lines to print: the rule and location, the message, then the source line with a caret under the column.</summary>
    public static IEnumerable<string> Lines(string? rule, RuleFailure failure)
    {
        yield return $"rule '{rule}' failed: {failure}";
        if (failure.SourceLine is { } source)
        {
            yield return "    " + source;
            if (failure.Column is { } column && column >= 1)
            {
                // Keep tabs so the caret lines up under the same characters.
                var pad = new string(source.Take(column - 1).Select(c => c == '\t' ? '\t' : ' ').ToArray());
                yield return "    " + pad + "^";
            }
        }
    }
}
