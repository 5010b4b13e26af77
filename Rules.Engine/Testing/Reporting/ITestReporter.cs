namespace Rules.Engine.Testing.Reporting;

/// <summary>Writes a finished test run for people (<see cref="PrettyTestReporter"/>) or tools (<see cref="JsonTestReporter"/>).</summary>
public interface ITestReporter
{
    /// <summary>Writes the whole report for <paramref name="result"/> to <paramref name="output"/>.</summary>
    void Report(TestRunResult result, TextWriter output);
}
