using System.Diagnostics;

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
        var root = Http.RulesHostFactory.RepositoryRoot;
        var rulesDll = Path.Combine(AppContext.BaseDirectory, "rules.dll");
        File.Exists(rulesDll).Should().BeTrue("the test project references Rules.Host, so rules.dll sits beside the tests");

        var start = new ProcessStartInfo("bash", [Path.Combine(root, "tests", "e2e", "impersonation-flow.sh")])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["RULES_CMD"] = $"dotnet {rulesDll}";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the e2e script did not finish in 3 minutes:\n" + await stdout + await stderr);
        }

        var output = await stdout + await stderr;
        process.ExitCode.Should().Be(0, output);
        output.Should().Contain("e2e: impersonation flow passed");
    }
}
