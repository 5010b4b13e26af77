using System.Globalization;

namespace Rules.Soak;

/// <summary>
/// The soak's figures and its verdict: every check that failed is named; none failing means the soak passed.
/// Without an audit reconciliation (several servers and no --database) the audit check is skipped, and the report says so.
/// With the loopback upstream (--http-upstream) every redemption ran the rule that calls it, so it must have answered at
/// least one call per redemption.
/// </summary>
public sealed class SoakReport(SoakOptions options, SoakTally tally, AuditReconciliation? audit, IReadOnlyList<ServerSample> samples, TimeSpan elapsed, (int Answered, TimeSpan Slowest)? upstream = null)
{
    public IReadOnlyList<string> Failures()
    {
        var failures = new List<string>();
        if (tally.FlowMilliseconds.IsEmpty) failures.Add("no flow completed");
        if (tally.ServerErrors > 0) failures.Add($"{tally.ServerErrors} responses were 5xx");
        if (tally.FailedFlows > 0) failures.Add($"{tally.FailedFlows} flows did not complete");
        if (audit is not null && (audit.LoginEntries != tally.RedeemedLinkIds.Count || audit.RedemptionsWithoutEntry > 0))
            failures.Add($"audit: {audit.LoginEntries} login entries for {tally.RedeemedLinkIds.Count} redemptions, {audit.RedemptionsWithoutEntry} redemptions without one");
        if (audit is not null && audit.ExchangeEntries != tally.TokensIssued) failures.Add($"audit: {audit.ExchangeEntries} code-exchange entries for {tally.TokensIssued} token responses");
        if (RssGrowthMb > options.MaxRssGrowthMb) failures.Add($"resident memory grew {RssGrowthMb:F1} MB after warm-up (limit {options.MaxRssGrowthMb} MB)");
        if (samples.All(s => s.IdleRuntimes is null)) failures.Add("/readyz does not report the rule runtimes (runtimes.idle, runtimes.poolBound)");
        if (samples.FirstOrDefault(s => s.IdleRuntimes > s.PoolBound) is { } over)
            failures.Add($"{over.IdleRuntimes} warm runtimes at {over.At.TotalSeconds:F0} s, beyond the pool's bound of {over.PoolBound}");
        if (upstream?.Answered < tally.RedeemedLinkIds.Count) failures.Add($"the upstream answered {upstream?.Answered} calls for {tally.RedeemedLinkIds.Count} logins");
        return failures;
    }

    private ServerSample WarmSample => samples.FirstOrDefault(s => s.At >= options.WarmUp) ?? samples[^1];

    private double RssGrowthMb => (samples.Where(s => s.At >= WarmSample.At).Max(s => s.RssKb) - WarmSample.RssKb) / 1024.0;

    private static long MostCreatedInOneSample(List<ServerSample> withRuntimes) =>
        withRuntimes.Zip(withRuntimes.Skip(1), (before, after) => after.RuntimesCreated!.Value - before.RuntimesCreated!.Value).DefaultIfEmpty(0).Max();

    public void Write(TextWriter output)
    {
        var latencies = tally.FlowMilliseconds.Order().ToArray();
        double Percentile(double p) => latencies.Length == 0 ? 0 : latencies[(int)Math.Floor(p * (latencies.Length - 1))];
        static string Mb(long kb) => (kb / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " MB";
        var withRuntimes = samples.Where(s => s.RuntimesCreated is not null).ToList();

        output.WriteLine($"soak: {elapsed.TotalSeconds:F0} s, {options.Concurrency} clients, {options.Servers} (server pid {options.ServerPid}), warm-up {options.WarmUp.TotalSeconds:F0} s");
        output.WriteLine($"  flows completed   {latencies.Length} ({latencies.Length / elapsed.TotalSeconds:F1}/s), failed {tally.FailedFlows}  [create link -> follow -> exchange code]");
        output.WriteLine($"  flow latency      p50 {Percentile(0.50):F1} ms, p99 {Percentile(0.99):F1} ms, max {(latencies.Length == 0 ? 0 : latencies[^1]):F1} ms");
        output.WriteLine($"  responses         {string.Join(", ", tally.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key.Step} {s.Key.Status}: {s.Value}"))}");
        output.WriteLine($"  5xx responses     {tally.ServerErrors}");
        output.WriteLine(audit is null
            ? "  audit             skipped: several servers and no --database, so there is no one store to read"
            : $"  audit             logins 's' {audit.LoginEntries} for {tally.RedeemedLinkIds.Count} redemptions ({audit.RedemptionsWithoutEntry} without an entry); " +
              $"exchanges 'seacft' {audit.ExchangeEntries} for {tally.TokensIssued} tokens");
        output.WriteLine($"  memory (VmRSS)    start {Mb(samples[0].RssKb)}, after warm-up {Mb(WarmSample.RssKb)}, end {Mb(samples[^1].RssKb)}, max {Mb(samples.Max(s => s.RssKb))}; " +
                         $"growth after warm-up {RssGrowthMb:F1} MB (limit {options.MaxRssGrowthMb} MB)");
        output.WriteLine($"  server threads    start {samples[0].Threads}, max {samples.Max(s => s.Threads)}, end {samples[^1].Threads}");
        if (upstream is { } answered)
        {
            output.WriteLine($"  upstream          {answered.Answered} calls answered (200 ms each, slowest {answered.Slowest.TotalMilliseconds:F0} ms) for {tally.RedeemedLinkIds.Count} logins");
        }
        if (withRuntimes.Count > 0)
        {
            output.WriteLine($"  rule runtimes     created {withRuntimes[0].RuntimesCreated} -> {withRuntimes[^1].RuntimesCreated} (most in one second {MostCreatedInOneSample(withRuntimes)}), idle max {withRuntimes.Max(s => s.IdleRuntimes)}, pool bound {withRuntimes[^1].PoolBound}");
        }
        foreach (var error in tally.Errors.Take(5))
        {
            output.WriteLine($"  client error      {error}");
        }
        var failures = Failures();
        output.WriteLine(failures.Count == 0 ? "soak: passed" : "soak: FAILED: " + string.Join("; ", failures));
    }
}
