using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Rules.Engine.Testing;
using Rules.Engine.Testing.Reporting;

namespace Rules.Host.Cli;

/// <summary><c>rules test RULES_DIR</c>: runs the rule set's test cases (tests/*.json beside the rules) and reports PASS/FAIL.</summary>
public static class TestCommand
{
    public sealed record Parameters(
        string RulesDirectory,
        string? TestsDirectory = null,
        string? Run = null,
        string Format = "text",
        bool Coverage = false,
        double? CoverageMin = null);

    public const string Examples = """
        Examples:
          rules test Rules.Samples/rules
          rules test ./rules --run 'support-agents/'        only the cases of tests/support-agents.json
          rules test ./rules --run 'weekend|after hours'    cases whose file/name matches the regex
          rules test ./rules --coverage --coverage-min 100
          rules test ./rules --format json > results.json
          rules test ./rules --tests ./transactions         transaction files with an "expect" work too

        Cases live in RULES_DIR/tests/*.json: { "base": { "user", "context", "now" }, "cases": [ { "name",
        overrides of user/context/now/configuration, "expect": { "decision", "rule", "error", "idToken", ... } } ] }
        (docs/authoring-rules.md). Exit codes: 0 every case passed (and coverage met --coverage-min), 1 a case
        failed or coverage is too low, 2 bad input (malformed case file, a rule set that does not compile).
        """;

    public static Command Build(TextWriter output, TextWriter error)
    {
        var directory = new Argument<string>("RULES_DIR") { Description = "Directory of *.js rules (optionally with rules.json), or an Auth0 Deploy CLI export (directory or tenant.yaml)" };
        var tests = new Option<string?>("--tests") { Description = "Directory of test-case files (default: RULES_DIR/tests)" };
        var run = new Option<string?>("--run") { Description = "Run only the cases whose file/name matches this regular expression" };
        var format = new Option<string>("--format") { Description = "Report format: text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var coverage = new Option<bool>("--coverage") { Description = "Report, per rule, the statement lines the cases executed and never reached" };
        var coverageMin = new Option<double?>("--coverage-min") { Description = "Fail (exit 1) when total line coverage is below this percentage; implies --coverage" };
        var command = new Command("test", "Run the rule set's test cases and print PASS/FAIL per case.\n\n" + Examples)
        {
            directory, tests, run, format, coverage, coverageMin,
        };
        command.SetAction(result => Run(
            new Parameters(result.GetValue(directory)!, result.GetValue(tests), result.GetValue(run), result.GetValue(format)!,
                result.GetValue(coverage), result.GetValue(coverageMin)),
            output, error));
        return command;
    }

    /// <summary>Checks what the CLI library cannot; returns the error to print, or null.</summary>
    public static string? Validate(Parameters parameters, out Regex? filter)
    {
        filter = null;
        if (parameters.Format is not ("text" or "json"))
        {
            return $"--format must be text or json, not '{parameters.Format}'";
        }
        if (parameters.CoverageMin is { } min && (double.IsNaN(min) || min < 0 || min > 100))
        {
            return $"--coverage-min must be a percentage between 0 and 100, not {min.ToString(CultureInfo.InvariantCulture)}";
        }
        if (parameters.Run is { } pattern)
        {
            try
            {
                filter = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                return $"--run '{pattern}' is not a valid regular expression: {e.Message}";
            }
        }
        return null;
    }

    public static int Run(Parameters parameters, TextWriter output, TextWriter error)
    {
        if (Validate(parameters, out var filter) is { } problem)
        {
            error.WriteLine($"error: {problem}");
            return ExitCodes.BadInput;
        }

        if (RuleSetLoading.CompileOrRefuse(parameters.RulesDirectory, error) is not { } compiled)
        {
            return ExitCodes.BadInput;
        }

        // A Deploy CLI tenant.yaml is a file: its cases sit beside it, as they sit inside a rules directory.
        var home = File.Exists(parameters.RulesDirectory) ? Path.GetDirectoryName(parameters.RulesDirectory) ?? "" : parameters.RulesDirectory;
        var testsDirectory = parameters.TestsDirectory ?? Path.Combine(home, TestCaseReader.DefaultDirectoryName);
        IReadOnlyList<RuleTestCase> cases;
        try
        {
            cases = TestCaseReader.ReadDirectory(testsDirectory);
        }
        catch (TestCaseFormatException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        if (cases.Count == 0)
        {
            error.WriteLine($"error: no test cases in '{testsDirectory}' (expected *.json case files; see docs/authoring-rules.md)");
            return ExitCodes.BadInput;
        }
        if (TestRunner.Select(cases, filter).Count == 0)
        {
            error.WriteLine($"error: --run '{parameters.Run}' matches none of the {cases.Count} case(s); case ids are file/name, e.g. '{cases[0].Id}'");
            return ExitCodes.BadInput;
        }

        var withCoverage = parameters.Coverage || parameters.CoverageMin is not null;
        var result = TestRunner.Run(compiled, cases, new TestRunOptions { Filter = filter, Coverage = withCoverage });
        ITestReporter reporter = parameters.Format == "json" ? new JsonTestReporter() : new PrettyTestReporter();
        reporter.Report(result, output);

        var exit = result.AllPassed ? ExitCodes.Ok : ExitCodes.Failed;
        if (parameters.CoverageMin is { } minimum && result.Coverage is { } coverage && coverage.Percent < minimum)
        {
            error.WriteLine($"coverage {PrettyTestReporter.Percent(coverage.Percent)} is below --coverage-min {minimum.ToString(CultureInfo.InvariantCulture)}%");
            exit = ExitCodes.Failed;
        }
        return exit;
    }
}
