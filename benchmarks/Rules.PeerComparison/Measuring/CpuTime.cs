using System.Runtime.InteropServices;
using Rules.PeerComparison.Engines;

namespace Rules.PeerComparison.Measuring;

/// <summary>
/// Our warm engine timed by the CPU time of the thread that runs it (Linux CLOCK_THREAD_CPUTIME_ID) instead of the wall
/// clock: on a machine that other sessions load far beyond its cores, wall time mostly measures waiting for a core,
/// while thread CPU time still measures the work (cache effects of being preempted remain). For A/B runs of two builds
/// of Rules.Engine on a loaded machine: `Rules.PeerComparison cpu`, once per build, alternately. Only our engine: V8's
/// threads and Node's process are not this thread.
/// </summary>
public static class CpuTime
{
    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in this project for one benchmark-only call
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
#pragma warning restore SYSLIB1054

    private static double NowMicroseconds() =>
        ClockGetTime(ThreadCpuClock, out var t) == 0 ? t.Seconds * 1e6 + t.Nanoseconds / 1e3 : throw new InvalidOperationException("clock_gettime failed");

    /// <summary>Median CPU µs per login over <paramref name="samples"/> batches, after <paramref name="warmUpMicroseconds"/> of CPU time of logins.</summary>
    public static double PerLogin(Func<object> login, double warmUpMicroseconds, int samples, int batch)
    {
        object? keep = null;
        var warmStart = NowMicroseconds();
        while (NowMicroseconds() - warmStart < warmUpMicroseconds)
        {
            keep = login();
        }
        var times = new double[samples];
        for (var s = 0; s < samples; s++)
        {
            var t0 = NowMicroseconds();
            for (var i = 0; i < batch; i++)
            {
                keep = login();
            }
            times[s] = (NowMicroseconds() - t0) / batch;
        }
        GC.KeepAlive(keep);
        return Sampler.Percentile(times, 0.5);
    }

    /// <summary>Managed bytes one login allocates on this thread (the counter BenchmarkDotNet's MemoryDiagnoser reads), over 1 000 logins.</summary>
    public static long BytesPerLogin(Func<object> login)
    {
        const int logins = 1_000;
        object? keep = null;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < logins; i++)
        {
            keep = login();
        }
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(keep);
        return bytes / logins;
    }

    /// <summary>
    /// The goal workloads (5 and 50 rules, 50 that only call back, the sample Actions, the profile sizes), our warm engine only: one line per
    /// workload and login, CPU µs per login and the exact managed bytes one login allocates on this thread.
    /// </summary>
    public static void Run(TextWriter output, string? only = null)
    {
        var workloads = new[] { Workloads.Pipeline(Workloads.GoalRuleCount), Workloads.Pipeline(50), Workloads.CallBackAtOnce(50), Workloads.SampleActions() }
            .Concat(Workloads.ProfileGoalSizes.Select(Workloads.NotReadingAppMetadata))
            .Where(w => only is null || w.Label.Contains(only, StringComparison.Ordinal)).ToArray();
        using (var settle = new JintWarmEngine(Workloads.Pipeline(Workloads.GoalRuleCount)))
        {
            PerLogin(() => settle.Login(0), 2_000_000, 1, 1);
        }
        foreach (var workload in workloads)
        {
            using var engine = new JintWarmEngine(workload);
            for (var i = 0; i < workload.Logins.Count; i++)
            {
                var index = i;
                var micros = PerLogin(() => engine.Login(index), 300_000, 15, 200);
                output.WriteLine($"| {workload.Label} | {workload.Logins[i].Login} | {micros:0.00} | {BytesPerLogin(() => engine.Login(index)):N0} B |");
            }
        }
    }
}
