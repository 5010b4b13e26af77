namespace Rules.Host.Tests.EndToEnd;

/// <summary>
/// Runs tests/e2e/impersonation-flow.sh: the real server (the built rules.dll) on a free loopback port,
/// driven with curl exactly as Auth0's guide does it. tests/run installs curl and python3 when missing.
/// </summary>
public class ImpersonationFlowScriptTests
{
    [Fact]
    public async Task The_guide_walk_through_passes_against_the_real_server()
    {
        File.Exists(Path.Combine(AppContext.BaseDirectory, "rules.dll")).Should().BeTrue("the test project references Rules.Host, so rules.dll sits beside the tests");

        var (exitCode, output) = await RepositoryScript.RunAsync("tests/e2e/impersonation-flow.sh", [],
            // A generous cap: the walk ends with the support-ticket redirect, and a shared machine under load is slow.
            new Dictionary<string, string> { ["RULES_CMD"] = RepositoryScript.RulesCommand }, TimeSpan.FromMinutes(6));

        exitCode.Should().Be(0, output);
        output.Should().Contain("e2e: impersonation flow passed").And.Contain("the continue works once");
    }
}
