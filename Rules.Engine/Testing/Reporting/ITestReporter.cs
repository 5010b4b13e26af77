namespace Rules.Engine.Testing.Reporting;

/// <summary>Writes a finished test run for people (<see cref="PrettyTestReporter"/>) or tools (<see cref="JsonTestReporter"/>).</summary>
public interface ITestReporter
{
    void Report(TestRunResult result, TextWriter output);
}
