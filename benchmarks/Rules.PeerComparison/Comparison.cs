using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.PeerComparison.Engines;
using Rules.PeerComparison.Measuring;
using Rules.PeerComparison.Reporting;
using static Rules.PeerComparison.Reporting.SvgBarChart;

namespace Rules.PeerComparison;

/// <summary>
/// The side-by-side comparison: every engine on the same workloads, outcomes checked equal before any timing,
/// then the headline table (5 sample rules), growth with rules and with app_metadata, thread scaling, and the goals.
/// </summary>
public sealed class Comparison(TimingBudget budget, NodeVm? node, TextWriter log)
{
    public static readonly EngineKind OursWarm = new("Rules.Engine warm", w => new JintWarmEngine(w), ThreadSafe: true);
    public static readonly EngineKind OursCold = new("Rules.Engine cold", w => new JintColdEngine(w), ThreadSafe: true, Cold: true);
    public static readonly EngineKind V8Reused = new("ClearScript V8, reused context", w => new V8ReusedEngine(w), ThreadSafe: false);
    public static readonly EngineKind V8Fresh = new("ClearScript V8, fresh context", w => new V8FreshEngine(w), ThreadSafe: false, Cold: true);
    public static readonly EngineKind Native = new("native C#", w => new NativeEngine(w), ThreadSafe: true);
    public const string NodeReused = "Node vm, reused context";
    public const string NodeFresh = "Node vm, fresh context";

    public List<ResultTable> Tables { get; } = [];

    /// <summary>Our warm engine's outcomes; every other engine must match them before it is timed.</summary>
    private static List<JsonObject> Expected(Workload workload)
    {
        using var ours = new JintWarmEngine(workload);
        return workload.Logins.Select((_, i) => ours.Comparable(i)).ToList();
    }

    private static void CheckSame(EngineKind kind, ILoginEngine engine, Workload workload, IReadOnlyList<JsonObject> expected)
    {
        for (var i = 0; i < workload.Logins.Count; i++)
        {
            if (ComparableOutcome.Difference(expected[i], engine.Comparable(i)) is { } difference)
            {
                throw new InvalidOperationException($"{kind.Name} disagrees with Rules.Engine on the {workload.Logins[i].Login} login of '{workload.Label}': {difference}");
            }
        }
    }

    /// <summary>Median µs (and bytes) per login, per engine name and login label.</summary>
    private Dictionary<(string Engine, string Login), Timing> TimeAll(Workload workload, IEnumerable<EngineKind> kinds, bool withNodeFresh)
    {
        var expected = Expected(workload);
        var results = new Dictionary<(string, string), Timing>();
        var engines = kinds.Select(k => (Kind: k, Engine: k.Create(workload))).ToList();
        try
        {
            foreach (var (kind, engine) in engines) CheckSame(kind, engine, workload, expected);
            log.WriteLine($"  {workload.Label}: {engines.Count + (node is null ? 0 : withNodeFresh ? 2 : 1)} engines agree on {workload.Logins.Count} logins");
            // Warm engines are sampled in turns (see MeasureInterleaved); cold ones, at milliseconds a login, on their own.
            var warm = engines.Where(e => !e.Kind.Cold)
                .SelectMany(e => workload.Logins.Select((login, index) => (e.Kind, e.Engine, login.Login, Index: index))).ToArray();
            var timings = Sampler.MeasureInterleaved(warm.Select(c => (Func<object>)(() => c.Engine.Login(c.Index))).ToArray(), budget);
            for (var c = 0; c < warm.Length; c++)
            {
                results[(warm[c].Kind.Name, warm[c].Login)] = timings[c];
            }
            foreach (var (kind, engine) in engines.Where(e => e.Kind.Cold))
            {
                for (var i = 0; i < workload.Logins.Count; i++)
                {
                    var index = i;
                    results[(kind.Name, workload.Logins[i].Login)] = Sampler.Measure(() => engine.Login(index), TimingBudget.Cold with { Samples = Math.Min(budget.Samples, 9) });
                }
            }
        }
        finally
        {
            foreach (var (_, engine) in engines) engine.Dispose();
        }

        if (node is not null)
        {
            var modes = withNodeFresh ? new[] { "reused", "fresh" } : ["reused"];
            foreach (var timing in node.Time(workload, expected, budget, modes))
            {
                var name = timing.Mode == "fresh" ? NodeFresh : NodeReused;
                results[(name, timing.Login)] = new Timing(timing.MedianMicroseconds, timing.P10Microseconds, timing.P90Microseconds, double.NaN, 0, 0);
            }
        }
        return results;
    }

    public void Run()
    {
        var goal = Workloads.Pipeline(Workloads.GoalRuleCount);
        CheckAgreement(Workloads.SampleTransactions());
        SettleJit(goal);
        log.WriteLine("side by side, 5 sample rules");
        var headline = TimeAll(goal, [OursWarm, OursCold, V8Reused, V8Fresh, Native], withNodeFresh: true);
        var order = new[] { OursWarm.Name, OursCold.Name, V8Reused.Name, V8Fresh.Name, NodeReused, NodeFresh, Native.Name };
        Tables.Add(HeadlineTable(headline, order));

        log.WriteLine("growth with rules per pipeline");
        var counts = Workloads.RuleCounts.Append(7).Order().ToArray();
        var byRules = counts.ToDictionary(n => n, n => TimeAll(Workloads.Pipeline(n), [OursWarm, V8Reused, Native], withNodeFresh: false));
        Tables.Add(GrowthTable("growth-rules", "Growth with rules per pipeline (warm, median µs per login)", counts.Select(n => ($"{n} rules{(n == 7 ? " (whole sample set)" : "")}", byRules[n]))));

        log.WriteLine("growth with app_metadata size");
        var bySize = Workloads.AppMetadataSizes.ToDictionary(b => b, b => TimeAll(Workloads.Pipeline(Workloads.GoalRuleCount, b), [OursWarm, V8Reused, Native], withNodeFresh: false));
        Tables.Add(GrowthTable("growth-app-metadata", "Growth with app_metadata size, 5 rules (warm, median µs per login)", Workloads.AppMetadataSizes.Select(b => ($"{b / 1024} KB", bySize[b]))));
        Tables.Add(AllocationTable(headline, bySize));
        var byProfile = ProfileSize();

        log.WriteLine("threads");
        var threads = ThreadTable(goal);
        Tables.Add(threads.Table);
        var goals = GoalsTable(headline, threads.OursScaling, headline[(OursWarm.Name, "impersonated")].AllocatedBytesPerLogin, headline[(OursWarm.Name, "normal")].AllocatedBytesPerLogin);
        AddBestPeerGoal(goals, "50 rules: warm / best of V8 and Node", "≤ 2.0x", 2.0, byRules[50]);
        foreach (var (bytes, t) in byProfile)
        {
            AddBestPeerGoal(goals, $"{bytes / 1024} KB app_metadata, 5 rules not reading it: warm / best of V8 and Node", "≤ 0.8x", 0.8, t);
        }
        Tables.Add(goals);
    }

    /// <summary>
    /// The profile-size goal's own rows: five rules that never read app_metadata, with 16 and 64 KB of it, every warm engine
    /// (Node included) in the same run. Also run alone by <c>compare --only profile</c>.
    /// </summary>
    public Dictionary<int, Dictionary<(string, string), Timing>> ProfileSize()
    {
        log.WriteLine("profile size, 5 rules that do not read app_metadata");
        var byProfile = Workloads.ProfileGoalSizes.ToDictionary(b => b, b => TimeAll(Workloads.NotReadingAppMetadata(b), [OursWarm, V8Reused, Native], withNodeFresh: false));
        Tables.Add(GrowthTable("profile-size", "Profile size, 5 rules that do not read app_metadata (warm, median µs per login)",
            Workloads.ProfileGoalSizes.Select(b => ($"{b / 1024} KB", byProfile[b]))));
        return byProfile;
    }

    /// <summary>A goal row: our warm time over the faster of V8 reused and Node vm reused, per login.</summary>
    private static void AddBestPeerGoal(ResultTable table, string goal, string target, double targetValue, Dictionary<(string, string), Timing> t)
    {
        double Best(string login) => Math.Min(t[(V8Reused.Name, login)].MedianMicroseconds,
            t.TryGetValue((NodeReused, login), out var n) ? n.MedianMicroseconds : double.PositiveInfinity);
        var i = t[(OursWarm.Name, "impersonated")].MedianMicroseconds / Best("impersonated");
        var n = t[(OursWarm.Name, "normal")].MedianMicroseconds / Best("normal");
        table.Row(goal, target, $"{i:0.00}x", $"{n:0.00}x", i <= targetValue && n <= targetValue ? "yes" : "**no**");
        table.Bars(goal, new ChartBar("measured, impersonated", i), new ChartBar("measured, normal", n), new ChartBar("target", targetValue));
    }

    /// <summary>Every engine, Node included, must reach our outcome on every sample transaction; nothing is timed here.</summary>
    private void CheckAgreement(Workload workload)
    {
        var expected = Expected(workload);
        foreach (var kind in new[] { OursCold, V8Reused, V8Fresh, Native })
        {
            using var engine = kind.Create(workload);
            CheckSame(kind, engine, workload, expected);
        }
        node?.Verify(workload, expected);
        var denials = expected.Count(e => (string?)e["decision"] == "deny");
        log.WriteLine($"  agreement: {(node is null ? 4 : 6)} engines reach Rules.Engine's outcome on all {workload.Logins.Count} sample transactions ({denials} denials)");
    }

    /// <summary>
    /// Tiered JIT (tier 0, instrumented, tier 1 with PGO) needs a few seconds of logins before Jint's interpreter runs at
    /// full speed; a per-row warm-up of under a second would time the first rows half-compiled. Same for ClearScript's
    /// managed side. The JIT's code is shared by every later pipeline, so this is paid once.
    /// </summary>
    public void SettleJit(Workload workload)
    {
        log.WriteLine("  settling the JIT (3 s of warm logins)");
        foreach (var kind in new[] { OursWarm, V8Reused, Native })
        {
            using var engine = kind.Create(workload);
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(kind == OursWarm ? 2 : 0.5);
            while (DateTime.UtcNow < until)
            {
                for (var i = 0; i < 100; i++) engine.Login(i % workload.Logins.Count);
            }
        }
    }

    private static string Us(Timing? t) => t is null ? "—" : Format(t.MedianMicroseconds);
    private static string Ratio(double ours, double theirs) => (ours / theirs) switch
    {
        var r when !double.IsFinite(r) => "—",
        < 0.01 => $"{ours / theirs:0.0000}x",
        < 0.1 => $"{ours / theirs:0.000}x",
        var r => $"{r:0.00}x",
    };

    private ResultTable HeadlineTable(Dictionary<(string, string), Timing> t, string[] order)
    {
        var table = new ResultTable("side-by-side", "Side by side: 5 sample rules, one login (median µs)", "µs per login, median", logScale: true)
            .Headers("Engine", "Impersonated µs", "p10–p90", "Normal µs", "p10–p90", "ours warm / this (imp.)", "ours warm / this (normal)");
        var warmI = t[(OursWarm.Name, "impersonated")].MedianMicroseconds;
        var warmN = t[(OursWarm.Name, "normal")].MedianMicroseconds;
        foreach (var name in order)
        {
            if (!t.TryGetValue((name, "impersonated"), out var i) || !t.TryGetValue((name, "normal"), out var n))
            {
                table.Row(name, "skipped (node not found)", "", "", "", "", "");
                continue;
            }
            table.Row(name == OursWarm.Name ? $"**{name}**" : name, Format(i.MedianMicroseconds), $"{Format(i.P10Microseconds)}–{Format(i.P90Microseconds)}",
                Format(n.MedianMicroseconds), $"{Format(n.P10Microseconds)}–{Format(n.P90Microseconds)}",
                Ratio(warmI, i.MedianMicroseconds), Ratio(warmN, n.MedianMicroseconds));
            table.Bars(name, new ChartBar("impersonated", i.MedianMicroseconds), new ChartBar("normal", n.MedianMicroseconds));
        }
        table.Notes.Add("A ratio below 1.00x means our warm pipeline is faster than that engine; above 1.00x, slower. Cold rows build everything per login: ours parses, compiles and builds a sandboxed runtime; V8 and Node make a new context and run the compiled setup script in it.");
        return table;
    }

    private ResultTable GrowthTable(string id, string title, IEnumerable<(string Label, Dictionary<(string, string), Timing> T)> rows)
    {
        var table = new ResultTable(id, title, "µs per login, median, impersonated login", logScale: true)
            .Headers("Workload", "Login", "Rules.Engine warm", "V8 reused", "Node vm reused", "native C#", "ours / V8", "ours / Node");
        foreach (var (label, t) in rows)
        {
            foreach (var login in new[] { "impersonated", "normal" })
            {
                var ours = t[(OursWarm.Name, login)].MedianMicroseconds;
                var v8 = t[(V8Reused.Name, login)].MedianMicroseconds;
                var nodeTime = t.TryGetValue((NodeReused, login), out var nt) ? nt : null;
                table.Row(label, login, Format(ours), Format(v8), Us(nodeTime), Format(t[(Native.Name, login)].MedianMicroseconds),
                    Ratio(ours, v8), nodeTime is null ? "—" : Ratio(ours, nodeTime.MedianMicroseconds));
                if (login == "impersonated")
                {
                    table.Bars(label, new ChartBar(OursWarm.Name, ours), new ChartBar(V8Reused.Name, v8),
                        new ChartBar(NodeReused, nodeTime?.MedianMicroseconds ?? double.NaN), new ChartBar(Native.Name, t[(Native.Name, login)].MedianMicroseconds));
                }
            }
        }
        return table;
    }

    private static ResultTable AllocationTable(Dictionary<(string, string), Timing> headline, Dictionary<int, Dictionary<(string, string), Timing>> bySize)
    {
        var table = new ResultTable("allocations", "Managed bytes allocated per login", "bytes per login, impersonated login", logScale: true)
            .Headers("Workload", "Login", "Rules.Engine warm", "Rules.Engine cold", "ClearScript V8 reused (managed side only)", "native C#");
        var rows = new List<(string, Dictionary<(string, string), Timing>)> { ("5 rules, sample profile", headline) };
        rows.AddRange(bySize.Select(p => ($"5 rules, app_metadata {p.Key / 1024} KB", p.Value)));
        foreach (var (label, t) in rows)
        {
            foreach (var login in new[] { "impersonated", "normal" })
            {
                string Bytes(string engine) => t.TryGetValue((engine, login), out var x) ? x.AllocatedBytesPerLogin.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture) : "—";
                table.Row(label, login, Bytes(OursWarm.Name), Bytes(OursCold.Name), Bytes(V8Reused.Name), Bytes(Native.Name));
                if (login == "impersonated")
                {
                    table.Bars(label, new ChartBar(OursWarm.Name, t[(OursWarm.Name, login)].AllocatedBytesPerLogin),
                        new ChartBar(V8Reused.Name, t[(V8Reused.Name, login)].AllocatedBytesPerLogin), new ChartBar(Native.Name, t[(Native.Name, login)].AllocatedBytesPerLogin));
                }
            }
        }
        table.Notes.Add("Read with GC.GetAllocatedBytesForCurrentThread around the timed batches (the counter BenchmarkDotNet's MemoryDiagnoser reads), median per login. V8 and Node allocate in their own heaps, which this does not see; the V8 column is only ClearScript's managed marshalling. Node is not shown.");
        return table;
    }

    private (ResultTable Table, double OursScaling) ThreadTable(Workload workload)
    {
        var table = new ResultTable("threads", "Throughput on 1 and 2 threads: 5 sample rules, impersonated login", "logins per second", logScale: false)
            .Headers("Engine", "1 thread, logins/s", "2 threads, logins/s", "2 threads / 1 thread");
        var ours = 0.0;
        var impersonated = workload.Logins.ToList().FindIndex(l => l.Login == "impersonated");
        foreach (var kind in new[] { OursWarm, V8Reused, Native })
        {
            var engines = new List<ILoginEngine>();
            Func<object> ForThread(ILoginEngine? shared)
            {
                var engine = shared ?? kind.Create(workload);
                if (shared is null) engines.Add(engine);
                return () => engine.Login(impersonated);
            }
            try
            {
                var shared = kind.ThreadSafe ? kind.Create(workload) : null;
                if (shared is not null) engines.Add(shared);
                var round = budget == TimingBudget.Quick ? TimeSpan.FromMilliseconds(400) : TimeSpan.FromSeconds(1);
                var (one, two, scaling) = Sampler.Scaling(_ => ForThread(shared), round, round, 5);
                if (kind == OursWarm) ours = scaling;
                table.Row(kind.Name, $"{one:#,0}", $"{two:#,0}", $"{scaling:0.00}x");
                table.Bars(kind.Name, new ChartBar("1 thread", one), new ChartBar("2 threads", two));
            }
            finally
            {
                engines.ForEach(e => e.Dispose());
            }
        }
        var serverGc = ServerGcScalingInChildProcess(budget == TimingBudget.Quick);
        table.Row(OursWarm.Name + ", Server GC (as rules serve runs)", $"{serverGc.One:#,0}", $"{serverGc.Two:#,0}", $"{serverGc.Scaling:0.00}x");
        table.Bars(OursWarm.Name + ", Server GC", new ChartBar("1 thread", serverGc.One), new ChartBar("2 threads", serverGc.Two));
        table.Notes.Add("Each thread runs logins back to back for 1 s; 1-thread and 2-thread rounds alternate (5 pairs), the rates are medians and the scaling is the median of the pairs' ratios, so load from other processes lands on both alike; ours shares one RulePipeline (its pool hands each thread its own runtime), V8 gets one engine per thread, native shares nothing mutable. Node vm is single-threaded per process and is not in this table.");
        table.Notes.Add("The comparison runs with workstation GC, whose Gen0 collections stop both threads while one thread collects; the Server GC row is the same measurement in a child process with DOTNET_gcServer=1, the collector `rules serve` runs with (the goal row reads it).");
        return (table, serverGc.Scaling);
    }

    /// <summary>Our 1- and 2-thread rates in a child process running Server GC (a process-wide choice made before it starts).</summary>
    private static (double One, double Two, double Scaling) ServerGcScalingInChildProcess(bool quick)
    {
        var line = ChildProcess.LastLine(quick ? ["threads-server-gc", "--quick"] : ["threads-server-gc"], new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" });
        var rates = JsonSerializer.Deserialize<double[]>(line)!;
        if (rates[3] != 1) throw new InvalidOperationException("the Server GC thread measurement did not run with Server GC");
        return (rates[0], rates[1], rates[2]);
    }

    /// <summary>
    /// The child side of <see cref="ServerGcScalingInChildProcess"/>: prints [one, two, scaling, 1 if Server GC else 0] as
    /// JSON (run by hand with DOTNET_gcServer=0 it measures workstation GC the same way).
    /// </summary>
    public static void ServerGcScalingChild(bool quick)
    {
        var workload = Workloads.Pipeline(Workloads.GoalRuleCount);
        var impersonated = workload.Logins.ToList().FindIndex(l => l.Login == "impersonated");
        using var engine = OursWarm.Create(workload);
        var warmUp = quick ? TimeSpan.FromMilliseconds(400) : TimeSpan.FromSeconds(3);
        var round = quick ? TimeSpan.FromMilliseconds(400) : TimeSpan.FromSeconds(1);
        var (one, two, scaling) = Sampler.Scaling(_ => () => engine.Login(impersonated), warmUp, round, 5);
        Console.WriteLine(JsonSerializer.Serialize(new[] { one, two, scaling, System.Runtime.GCSettings.IsServerGC ? 1 : 0 }));
    }

    private ResultTable GoalsTable(Dictionary<(string, string), Timing> t, double threadScaling, double allocI, double allocN)
    {
        var table = new ResultTable("goals", "Goals (5 sample rules unless the row says otherwise)", "measured vs target (x, or KB for allocation)", logScale: true)
            .Headers("Goal", "Target", "Impersonated", "Normal", "Met?");
        string Met(bool ok) => ok ? "yes" : "**no**";
        double M(string engine, string login) => t.TryGetValue((engine, login), out var x) ? x.MedianMicroseconds : double.NaN;
        void Ratio(string goal, string target, double targetValue, string theirs, Func<double, bool> ok, bool invert = false)
        {
            var i = invert ? M(theirs, "impersonated") / M(OursWarm.Name, "impersonated") : M(OursWarm.Name, "impersonated") / M(theirs, "impersonated");
            var n = invert ? M(theirs, "normal") / M(OursWarm.Name, "normal") : M(OursWarm.Name, "normal") / M(theirs, "normal");
            if (!double.IsFinite(i))
            {
                table.Row(goal, target, "—", "—", "not measured");
                return;
            }
            table.Row(goal, target, $"{i:0.00}x", $"{n:0.00}x", Met(ok(i) && ok(n)));
            table.Bars(goal, new ChartBar("measured, impersonated", i), new ChartBar("measured, normal", n), new ChartBar("target", targetValue));
        }
        Ratio("warm / Node vm reused", "≤ 1.0x", 1.0, NodeReused, r => r <= 1.0);
        Ratio("warm / ClearScript V8 reused", "≤ 1.0x", 1.0, V8Reused.Name, r => r <= 1.0);
        Ratio("cold / warm (how much faster warm is)", "≥ 30x", 30, OursCold.Name, r => r >= 30, invert: true);
        table.Row("2 threads / 1 thread (Server GC, as rules serve runs)", "≥ 1.8x", $"{threadScaling:0.00}x", "", Met(threadScaling >= 1.8));
        table.Bars("2 threads / 1 thread", new ChartBar("measured, impersonated", threadScaling), new ChartBar("target", 1.8));
        table.Row("bytes allocated per warm login", "≤ 4 096 B", $"{allocI:#,0} B", $"{allocN:#,0} B", Met(allocI <= 4096 && allocN <= 4096));
        table.Bars("KB allocated per warm login", new ChartBar("measured, impersonated", allocI / 1024), new ChartBar("measured, normal", allocN / 1024), new ChartBar("target", 4));
        return table;
    }
}
