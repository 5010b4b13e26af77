using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Rules.PeerComparison.Engines;
using Rules.PeerComparison.Reporting;
using static Rules.PeerComparison.Reporting.SvgBarChart;

namespace Rules.PeerComparison.Bdn;

/// <summary>
/// Bytes allocated per login by BenchmarkDotNet's MemoryDiagnoser (with its own timing as a cross-check), on the 5-rule
/// sample pipeline, for the engines that run inside this process. In-process toolchain and a short job, so it fits the
/// 15-minute budget of benchmarks/run; V8's and Node's own heaps are outside what the diagnoser can see.
/// </summary>
[MemoryDiagnoser]
public class PeerAllocations
{
    private ILoginEngine _engine = null!;
    private int _login;

    [Params("Rules.Engine warm", "Rules.Engine cold", "ClearScript V8, reused context", "native C#")]
    public string Engine { get; set; } = "";

    [Params("impersonated", "normal")]
    public string Login { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var workload = Workloads.Pipeline(Workloads.GoalRuleCount);
        var kind = new[] { Comparison.OursWarm, Comparison.OursCold, Comparison.V8Reused, Comparison.Native }.Single(k => k.Name == Engine);
        _engine = kind.Create(workload);
        _login = workload.Logins.ToList().FindIndex(l => l.Login == Login);
    }

    [Benchmark]
    public object OneLogin() => _engine.Login(_login);

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    public static ResultTable Run(bool quick)
    {
        var config = ManualConfig.CreateEmpty()
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(NullLogger.Instance)
            .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(quick ? 2 : 4).WithIterationCount(quick ? 4 : 8)
                .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(quick ? 100 : 200)))
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<PeerAllocations>(config);

        var table = new ResultTable("allocations-bdn", "Bytes allocated per login, BenchmarkDotNet MemoryDiagnoser (5 sample rules)", "bytes per login", logScale: true)
            .Headers("Engine", "Login", "Allocated B/login", "Median µs (BDN, short in-process job)", "Gen0 per 1000 logins");
        foreach (var report in summary.Reports.OrderBy(r => Array.IndexOf(new[] { "Rules.Engine warm", "Rules.Engine cold", "ClearScript V8, reused context", "native C#" }, (string)r.BenchmarkCase.Parameters["Engine"])))
        {
            var engine = (string)report.BenchmarkCase.Parameters["Engine"];
            var login = (string)report.BenchmarkCase.Parameters["Login"];
            var bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
            var medianUs = (report.ResultStatistics?.Median ?? double.NaN) / 1000;
            var gen0 = report.GcStats.Gen0Collections * 1000.0 / Math.Max(1, report.GcStats.TotalOperations);
            table.Row(engine, login, bytes.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture), Format(medianUs), $"{gen0:0.00}");
            if (login == "impersonated") table.Bars(engine, new ChartBar("impersonated", bytes));
            else table.Chart.Find(g => g.Group == engine).Bars?.Add(new ChartBar("normal", bytes));
        }
        table.Notes.Add("Managed allocations only: ClearScript V8's row is the marshalling on the .NET side (V8's heap is not visible to the diagnoser), and Node runs out of process. The goal (≤ 4 KB per warm login) applies to the Rules.Engine warm rows.");
        return table;
    }
}
