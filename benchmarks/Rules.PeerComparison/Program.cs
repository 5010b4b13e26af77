using System.Text;
using Rules.PeerComparison;
using Rules.PeerComparison.Engines;
using Rules.PeerComparison.Measuring;
using Rules.PeerComparison.Reporting;

// Rules.PeerComparison compare --out DIR [--quick]     the side-by-side comparison; tables + charts into DIR
// Rules.PeerComparison cpu [--only TEXT]               our warm engine by thread CPU time and bytes per login (A/B of builds on a loaded machine)
// Rules.PeerComparison compare --only profile [--quick] only the profile-size rows (16/64 KB app_metadata, every peer), printed
// Rules.PeerComparison memory jint|v8                   (child process) RSS growth per warm runtime, as JSON
// Rules.PeerComparison threads-server-gc [--quick]      (child process, DOTNET_gcServer=1) our 1- vs 2-thread rates, as JSON
// Rules.PeerComparison load --base URL --out DIR ...    the auth-server load client (see ServerLoad.cs)
// Rules.PeerComparison profile --report TOPN.txt --out DIR --about TEXT   server profile table from dotnet-trace's topN report
// Rules.PeerComparison readme --out DIR --readme FILE   puts DIR's tables into FILE between the peer-comparison markers
switch (args.FirstOrDefault())
{
    case "memory":
        ResidentMemory.Child(args[1]);
        return 0;
    case "threads-server-gc":
        Comparison.ServerGcScalingChild(args.Contains("--quick"));
        return 0;
    case "cpu":
        Console.WriteLine($"| workload | login | ours warm, CPU µs per login (load {File.ReadAllText("/proc/loadavg").Trim()}) | bytes per login |");
        CpuTime.Run(Console.Out, Option("--only"));
        return 0;
    case "compare" when Option("--only") == "profile":
        return CompareProfileSize(args.Contains("--quick"));
    case "compare":
        return Compare(Option("--out") ?? "benchmarks/results", args.Contains("--quick"));
    case "load":
        return await ServerLoad.RunAsync(args);
    case "profile":
    {
        // profile --report TOPN.txt --out DIR --about TEXT: the server profile table from dotnet-trace's topN report.
        var table = ServerProfile.Build(File.ReadAllText(Option("--report")!), Option("--about") ?? "");
        File.WriteAllText(Path.Combine(Option("--out")!, table.Id + ".md"), table.Markdown(withChartLink: false) + $"![{table.Title}]({table.Id}.svg)\n");
        File.WriteAllText(Path.Combine(Option("--out")!, table.Id + ".svg"), SvgBarChart.Render(table));
        Console.WriteLine(table.Markdown(withChartLink: false));
        return 0;
    }
    case "readme":
        ReadmeSection.Update(Option("--out")!, Option("--readme")!);
        return 0;
    default:
        Console.Error.WriteLine("usage: Rules.PeerComparison compare|memory|load|readme ... (see benchmarks/README.md)");
        return 2;
}

string? Option(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

static int Compare(string outDir, bool quick)
{
    Directory.CreateDirectory(outDir);
    var root = Rules.Benchmarks.BenchmarkData.FindRepositoryRoot()!;
    var node = NodeVm.Find(root);
    Console.WriteLine(node is null
        ? "node not found on PATH: the Node.js vm rows are skipped"
        : $"node {node.Version()} found: Node.js vm rows included");

    var comparison = new Comparison(quick ? TimingBudget.Quick : TimingBudget.Standard, node, Console.Out);
    comparison.Run();

    Console.WriteLine("resident memory");
    var memory = MemoryTable(node);
    Console.WriteLine("allocations (BenchmarkDotNet MemoryDiagnoser)");
    var allocations = Rules.PeerComparison.Bdn.PeerAllocations.Run(quick);
    var tables = comparison.Tables.Append(memory).Append(allocations).ToList();
    foreach (var table in tables)
    {
        File.WriteAllText(Path.Combine(outDir, table.Id + ".md"), table.Markdown(withChartLink: false) + $"![{table.Title}]({table.Id}.svg)\n");
        File.WriteAllText(Path.Combine(outDir, table.Id + ".svg"), SvgBarChart.Render(table));
        Console.WriteLine();
        Console.WriteLine(table.Markdown(withChartLink: false));
    }
    return 0;
}

static int CompareProfileSize(bool quick)
{
    var node = NodeVm.Find(Rules.Benchmarks.BenchmarkData.FindRepositoryRoot()!);
    var comparison = new Comparison(quick ? TimingBudget.Quick : TimingBudget.Standard, node, Console.Out);
    // Run alone there is no earlier table to settle the JIT: a first pass (not printed) does, or on a loaded machine the
    // first row measured reads several times slower than the same engine on the next one.
    comparison.SettleJit(Workloads.NotReadingAppMetadata(Workloads.ProfileGoalSizes[0]));
    comparison.ProfileSize();
    var bySize = comparison.ProfileSize();
    Console.WriteLine(comparison.Tables[^1].Markdown(withChartLink: false));
    foreach (var (bytes, timings) in bySize)
    {
        foreach (var login in new[] { "impersonated", "normal" })
        {
            Console.WriteLine($"| {bytes / 1024} KB | {login} | Rules.Engine warm allocates {timings[(Comparison.OursWarm.Name, login)].AllocatedBytesPerLogin:#,0} B per login |");
        }
    }
    return 0;
}

static ResultTable MemoryTable(NodeVm? node)
{
    var table = new ResultTable("memory", "Resident memory of warm runtimes (5 sample rules)", "MiB of RSS growth", logScale: false)
        .Headers("Engine", "1 runtime", "pool of 2", "8 runtimes", "per extra runtime (8 vs 1, /7)");
    void Add(string name, IReadOnlyList<long> steps)
    {
        static string MiB(double bytes) => $"{bytes / 1048576.0:0.0} MiB";
        table.Row(name, MiB(steps[0]), MiB(steps[1]), MiB(steps[^1]), MiB((steps[^1] - steps[0]) / (double)(steps.Count - 1)));
        table.Bars(name, new ChartBar("1 runtime", steps[0] / 1048576.0), new ChartBar("pool of 2", steps[1] / 1048576.0), new ChartBar("8 runtimes", steps[^1] / 1048576.0));
    }
    Add("Rules.Engine (RulePipeline pool)", ResidentMemory.InChildProcess("jint"));
    Add("ClearScript V8 (one engine each)", ResidentMemory.InChildProcess("v8"));
    if (node is not null)
    {
        var workload = Workloads.Pipeline(Workloads.GoalRuleCount);
        using var ours = new JintWarmEngine(workload);
        var expected = workload.Logins.Select((_, i) => ours.Comparable(i)).ToList();
        Add("Node vm (one context each)", node.Memory(workload, expected).Select(s => s.RssBytes).ToArray());
    }
    table.Notes.Add("Growth of the process's resident set (VmRSS, after a full GC) over a baseline taken once the rules were loaded and compiled, each engine in a process of its own; every runtime ran one login. The first runtime includes one-time costs (JIT-compiled Jint code, V8 isolate, Node's first context).");
    return table;
}
