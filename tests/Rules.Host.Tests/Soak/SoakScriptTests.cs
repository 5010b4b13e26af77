using System.Diagnostics;
using Xunit.Abstractions;

namespace Rules.Host.Tests.Soak;

/// <summary>
/// The soak's CI form: tests/soak/run for 20 s against the real server (the rules.dll beside the tests) with the load
/// client built with the tests (Rules.Soak.dll). The script's own checks decide: no 5xx, no lost audit records, memory
/// flat after warm-up, warm runtimes within the pool's bound. Throughput is reported, never asserted. The memory bound is
/// looser than the 60 s run's 64 MB: after a 5 s warm-up, beside the rest of the suite, the GC heap is still settling.
/// </summary>
public class SoakScriptTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_short_soak_passes_every_check()
    {
        var root = Http.RulesHostFactory.RepositoryRoot;
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "tests", "soak", "run"), "--duration", "20", "--concurrency", "4", "--max-rss-growth-mb", "128"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["RULES_CMD"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "rules.dll")}";
        start.Environment["SOAK_CMD"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "Rules.Soak.dll")}";

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
            // The script's trap stops its server when bash goes; killing the tree makes sure of it.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the soak did not finish in 3 minutes:\n" + await stdout + await stderr);
        }

        var report = await stdout + await stderr;
        output.WriteLine(report);
        process.ExitCode.Should().Be(0, report);
        report.Should().Contain("soak: passed");
    }
}
