using System.Text.Json;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Benchmarks;
using Rules.PeerComparison.Engines;

namespace Rules.PeerComparison.Measuring;

/// <summary>
/// Resident memory of warm runtimes, each engine measured in a process of its own (this program re-run with
/// `memory ENGINE`), so one engine's heap and JIT do not count against another: RSS growth after 1..8 warm
/// runtimes that each ran one login.
/// </summary>
public static class ResidentMemory
{
    public const int MaxRuntimes = 8;

    public static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    /// <summary>The child process: prints a JSON array of RSS growth in bytes after 1..8 runtimes.</summary>
    public static void Child(string engine)
    {
        var workload = Workloads.Pipeline(Workloads.GoalRuleCount);
        var transaction = workload.Logins[0].Transaction;
        var steps = new List<long>();
        var keep = new List<IDisposable>();
        if (engine == "jint")
        {
            var compiled = BenchmarkData.Compile(workload.RuleSet, new ScriptCache());
            var before = Rss();
            var pipeline = new RulePipeline(compiled);
            keep.Add(pipeline);
            for (var n = 1; n <= MaxRuntimes; n++)
            {
                pipeline.Warm(n);
                // Warm rents n at once, so the pool now holds n runtimes; run a login so each is as after real use.
                pipeline.Execute(transaction);
                steps.Add(Rss() - before);
            }
        }
        else
        {
            var before = Rss();
            for (var n = 1; n <= MaxRuntimes; n++)
            {
                var v8 = new V8ReusedEngine(workload);
                v8.Login(0);
                keep.Add(v8);
                steps.Add(Rss() - before);
            }
        }
        Console.WriteLine(JsonSerializer.Serialize(steps));
        GC.KeepAlive(keep);
    }

    public static long[] InChildProcess(string engine) =>
        JsonSerializer.Deserialize<long[]>(ChildProcess.LastLine(["memory", engine]))!;
}
