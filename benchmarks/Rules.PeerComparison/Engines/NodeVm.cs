using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.PeerComparison.Measuring;

namespace Rules.PeerComparison.Engines;

/// <summary>One Node result line: a mode (reused or fresh context), a login, and its timing.</summary>
public sealed record NodeTiming(string Mode, string Login, double MedianMicroseconds, double P10Microseconds, double P90Microseconds);

/// <summary>
/// Runs benchmarks/peers/node-vm-bench.js on a workload. The script checks, before timing, that every login's outcome
/// equals ours (passed in as "expected") and exits 3 when one differs; that fails the whole comparison here.
/// </summary>
public sealed class NodeVm(string scriptPath)
{
    public static NodeVm? Find(string repositoryRoot)
    {
        var script = Path.Combine(repositoryRoot, "benchmarks", "peers", "node-vm-bench.js");
        return FindNode() is not null && File.Exists(script) ? new NodeVm(script) : null;
    }

    public static string? FindNode() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "node")).FirstOrDefault(File.Exists);

    public string Version() => Run(["--version"], null).Trim();

    public IReadOnlyList<NodeTiming> Time(Workload workload, IReadOnlyList<JsonObject> expected, TimingBudget budget, params string[] modes)
    {
        var file = WriteWorkload(workload, expected, budget, modes);
        try
        {
            return Run([scriptPath, file], workload.Label)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonSerializer.Deserialize<NodeTiming>(line, JsonOptions)!)
                .ToArray();
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Checks, in a reused and in a fresh context, that Node reaches <paramref name="expected"/> on every login; times nothing.</summary>
    public void Verify(Workload workload, IReadOnlyList<JsonObject> expected)
    {
        var file = WriteWorkload(workload, expected, TimingBudget.Quick, ["reused", "fresh"]);
        try
        {
            Run([scriptPath, "--verify", file], workload.Label);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Resident-memory growth, in bytes, after 1..8 warm contexts.</summary>
    public IReadOnlyList<(int Contexts, long RssBytes)> Memory(Workload workload, IReadOnlyList<JsonObject> expected)
    {
        var file = WriteWorkload(workload, expected, TimingBudget.Quick, ["reused"]);
        try
        {
            var result = JsonNode.Parse(Run(["--expose-gc", scriptPath, "--memory", file], workload.Label))!;
            return result["steps"]!.AsArray().Select(s => ((int)s!["contexts"]!, (long)s["rssBytes"]!)).ToArray();
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private static string WriteWorkload(Workload workload, IReadOnlyList<JsonObject> expected, TimingBudget budget, string[] modes)
    {
        var root = new JsonObject
        {
            ["rules"] = new JsonArray(workload.EnabledRules.Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["script"] = r.Script }).ToArray()),
            ["configuration"] = JsonSerializer.SerializeToNode(workload.RuleSet.Configuration),
            ["logins"] = new JsonArray(workload.Logins.Select((l, i) => (JsonNode)new JsonObject
            {
                ["login"] = l.Login,
                ["json"] = l.Json,
                ["expected"] = expected[i].DeepClone(),
            }).ToArray()),
            ["budget"] = new JsonObject
            {
                ["warmUpMs"] = budget.WarmUp.TotalMilliseconds,
                ["samples"] = budget.Samples,
                ["sampleMs"] = budget.SampleTime.TotalMilliseconds,
            },
            ["modes"] = new JsonArray(modes.Select(m => (JsonNode)m).ToArray()),
        };
        var file = Path.Combine(Path.GetTempPath(), $"peer-workload-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, root.ToJsonString());
        return file;
    }

    private static string Run(string[] arguments, string? label)
    {
        var start = new ProcessStartInfo(FindNode() ?? "node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node exited with {process.ExitCode} on workload '{label}': {stderr.Result.Trim()}");
        }
        return stdout;
    }
}
