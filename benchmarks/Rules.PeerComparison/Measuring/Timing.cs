using System.Diagnostics;

namespace Rules.PeerComparison.Measuring;

/// <summary>Median time and allocation per login over several samples, and the spread, for one engine on one login.</summary>
public sealed record Timing(double MedianMicroseconds, double P10Microseconds, double P90Microseconds, double AllocatedBytesPerLogin, int Samples, long Logins);

/// <summary>How long to warm up and to measure; benchmarks/run uses <see cref="Standard"/>, --quick a third of it.</summary>
public sealed record TimingBudget(TimeSpan WarmUp, int Samples, TimeSpan SampleTime)
{
    public static TimingBudget Standard { get; } = new(TimeSpan.FromMilliseconds(600), 15, TimeSpan.FromMilliseconds(60));
    public static TimingBudget Quick { get; } = new(TimeSpan.FromMilliseconds(200), 7, TimeSpan.FromMilliseconds(30));
    public static TimingBudget Cold { get; } = new(TimeSpan.FromMilliseconds(600), 9, TimeSpan.FromMilliseconds(120));
}

/// <summary>
/// A Stopwatch sampler shaped like BenchmarkDotNet's (warm up, then N samples of a batch sized from the warm-up rate,
/// median of the per-login means) and mirrored by the Node driver, so every engine is timed the same way.
/// Allocation is read with GC.GetAllocatedBytesForCurrentThread, the counter BenchmarkDotNet's MemoryDiagnoser uses;
/// it sees managed allocations only (V8's own heap is not in it).
/// </summary>
public static class Sampler
{
    public static Timing Measure(Func<object> login, TimingBudget budget)
    {
        var warmUntil = Stopwatch.GetTimestamp() + ToTicks(budget.WarmUp);
        long warmed = 0;
        var started = Stopwatch.GetTimestamp();
        object? keep = null;
        do
        {
            keep = login();
            warmed++;
        }
        while (Stopwatch.GetTimestamp() < warmUntil);
        var perLogin = (double)(Stopwatch.GetTimestamp() - started) / warmed;
        var batch = (int)Math.Clamp(ToTicks(budget.SampleTime) / perLogin, 1, 1_000_000);

        var times = new double[budget.Samples];
        var allocations = new double[budget.Samples];
        for (var s = 0; s < budget.Samples; s++)
        {
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < batch; i++)
            {
                keep = login();
            }
            var elapsed = Stopwatch.GetTimestamp() - t0;
            allocations[s] = (double)(GC.GetAllocatedBytesForCurrentThread() - bytes) / batch;
            times[s] = elapsed * 1e6 / Stopwatch.Frequency / batch;
        }
        GC.KeepAlive(keep);
        return new Timing(Percentile(times, 0.5), Percentile(times, 0.1), Percentile(times, 0.9), Percentile(allocations, 0.5), budget.Samples, (long)batch * budget.Samples);
    }

    /// <summary>
    /// Times several logins (engines × logins) in turns: after each one's warm-up, sample 1 of every case, then sample 2 of
    /// every case, and so on. Other load on a shared machine then lands on every case alike, so the ratios between them
    /// hold up better than the absolute times would if each case were timed in a window of its own.
    /// </summary>
    public static Timing[] MeasureInterleaved(IReadOnlyList<Func<object>> logins, TimingBudget budget)
    {
        var batches = new int[logins.Count];
        for (var c = 0; c < logins.Count; c++)
        {
            var warmUntil = Stopwatch.GetTimestamp() + ToTicks(budget.WarmUp);
            long warmed = 0;
            var started = Stopwatch.GetTimestamp();
            do
            {
                GC.KeepAlive(logins[c]());
                warmed++;
            }
            while (Stopwatch.GetTimestamp() < warmUntil);
            var perLogin = (double)(Stopwatch.GetTimestamp() - started) / warmed;
            batches[c] = (int)Math.Clamp(ToTicks(budget.SampleTime) / perLogin, 1, 1_000_000);
        }

        var times = logins.Select(_ => new double[budget.Samples]).ToArray();
        var allocations = logins.Select(_ => new double[budget.Samples]).ToArray();
        object? keep = null;
        for (var s = 0; s < budget.Samples; s++)
        {
            for (var c = 0; c < logins.Count; c++)
            {
                var login = logins[c];
                var batch = batches[c];
                var bytes = GC.GetAllocatedBytesForCurrentThread();
                var t0 = Stopwatch.GetTimestamp();
                for (var i = 0; i < batch; i++)
                {
                    keep = login();
                }
                var elapsed = Stopwatch.GetTimestamp() - t0;
                allocations[c][s] = (double)(GC.GetAllocatedBytesForCurrentThread() - bytes) / batch;
                times[c][s] = elapsed * 1e6 / Stopwatch.Frequency / batch;
            }
        }
        GC.KeepAlive(keep);
        return logins.Select((_, c) => new Timing(Percentile(times[c], 0.5), Percentile(times[c], 0.1), Percentile(times[c], 0.9),
            Percentile(allocations[c], 0.5), budget.Samples, (long)batches[c] * budget.Samples)).ToArray();
    }

    /// <summary>
    /// Logins per second on one thread and on two, measured in alternating rounds (1, 2, 1, 2...) so that other load on a
    /// shared machine lands on both alike; the scaling is the median of each pair's ratio, not a ratio of two medians
    /// taken seconds apart (which read 0.97x in a run where a neighbour's build took a core during the 2-thread window).
    /// </summary>
    public static (double One, double Two, double Scaling) Scaling(Func<int, Func<object>> engineForThread, TimeSpan warmUp, TimeSpan round, int rounds)
    {
        var one = new[] { engineForThread(0) };
        var two = new[] { one[0], engineForThread(1) };
        RunRound(two, warmUp);
        RunRound(one, warmUp);
        var oneRates = new double[rounds];
        var twoRates = new double[rounds];
        var ratios = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var (oneCount, oneElapsed) = RunRound(one, round);
            var (twoCount, twoElapsed) = RunRound(two, round);
            oneRates[r] = oneCount / oneElapsed.TotalSeconds;
            twoRates[r] = twoCount / twoElapsed.TotalSeconds;
            ratios[r] = twoRates[r] / oneRates[r];
        }
        return (Percentile(oneRates, 0.5), Percentile(twoRates, 0.5), Percentile(ratios, 0.5));
    }

    private static (long Count, TimeSpan Elapsed) RunRound(Func<object>[] logins, TimeSpan duration)
    {
        var counts = new long[logins.Length];
        using var start = new Barrier(logins.Length + 1);
        var until = 0L;
        var workers = logins.Select((login, t) => new Thread(() =>
        {
            start.SignalAndWait();
            long n = 0;
            object? keep = null;
            while (Stopwatch.GetTimestamp() < Volatile.Read(ref until))
            {
                for (var i = 0; i < 16; i++)
                {
                    keep = login();
                }
                n += 16;
            }
            GC.KeepAlive(keep);
            counts[t] = n;
        }) { IsBackground = true }).ToArray();
        foreach (var worker in workers) worker.Start();
        var t0 = Stopwatch.GetTimestamp();
        Volatile.Write(ref until, t0 + ToTicks(duration));
        start.SignalAndWait();
        foreach (var worker in workers) worker.Join();
        return (counts.Sum(), Stopwatch.GetElapsedTime(t0));
    }

    public static double Percentile(double[] values, double p)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted[(int)Math.Round(p * (sorted.Length - 1))];
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
