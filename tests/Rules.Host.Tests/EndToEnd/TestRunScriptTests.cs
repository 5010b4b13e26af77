using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.EndToEnd;

/// <summary>
/// The README's test command must show progress (the host suite runs for minutes) and the README must say how long it
/// takes. Running tests/run from inside the suite would recurse, so this reads the script and the README.
/// </summary>
public sealed class TestRunScriptTests
{
    private static readonly string Root = RulesHostFactory.RepositoryRoot;

    [Fact]
    public void Tests_run_prints_a_line_per_test_as_it_finishes()
    {
        var commands = File.ReadAllLines(Path.Combine(Root, "tests", "run"))
            .Where(l => l.TrimStart().StartsWith("dotnet test", StringComparison.Ordinal)).ToArray();

        commands.Should().NotBeEmpty();
        commands.Should().OnlyContain(c => c.Contains("--logger \"console;verbosity=normal\"", StringComparison.Ordinal),
            "at the default (minimal) verbosity dotnet test prints nothing until a project finishes");
    }

    [Fact]
    public void The_readme_states_how_long_the_tests_take()
    {
        File.ReadAllText(Path.Combine(Root, "README.md")).Should().MatchRegex(@"`bash tests/run` takes about \d+ minutes");
    }
}
