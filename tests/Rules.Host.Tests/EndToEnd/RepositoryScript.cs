using System.Diagnostics;

namespace Rules.Host.Tests.EndToEnd;

/// <summary>
/// Runs one of the repository's bash scripts (tests/e2e, tests/soak) from the repository root against the rules.dll
/// built beside the tests, and returns its exit code and combined output. A script still running at the timeout is
/// killed with its whole process tree, so no server it started outlives the test.
/// </summary>
public static class RepositoryScript
{
    public static string RulesCommand => $"dotnet {Path.Combine(AppContext.BaseDirectory, "rules.dll")}";

    public static async Task<(int ExitCode, string Output)> RunAsync(string relativePath, IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var root = Http.RulesHostFactory.RepositoryRoot;
        var start = new ProcessStartInfo("bash", [Path.Combine(root, relativePath), .. arguments])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{relativePath} did not finish in {timeout.TotalMinutes:0} minutes:\n" + await stdout + await stderr);
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
