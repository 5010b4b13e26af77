using System.Collections.Concurrent;
using System.Diagnostics;

namespace Rules.Soak;

/// <summary>What the load saw: completed flows and their latencies, every status by step, and what was handed out.</summary>
public sealed class SoakTally
{
    public ConcurrentQueue<double> FlowMilliseconds { get; } = new();
    public ConcurrentDictionary<(string Step, int Status), int> Statuses { get; } = new();
    public ConcurrentQueue<string> RedeemedLinkIds { get; } = new();
    public ConcurrentQueue<string> Errors { get; } = new();
    public int TokensIssued;
    public int FailedFlows;

    public int ServerErrors => Statuses.Where(s => s.Key.Status >= 500).Sum(s => s.Value);

    public void Count(string step, int status) => Statuses.AddOrUpdate((step, status), 1, (_, n) => n + 1);
}

/// <summary>
/// <see cref="SoakOptions.Concurrency"/> clients, each repeating create link → follow → exchange as fast as the server
/// answers until the time is up. A flow counts when all three steps handed out what they should. Given several flow
/// clients (one per server, for sticky load), client number w uses the (w mod count)th.
/// </summary>
public static class SoakLoad
{
    public static async Task<SoakTally> RunAsync(IReadOnlyList<ImpersonationFlowClient> clients, SoakOptions options)
    {
        var tally = new SoakTally();
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
        {
            for (var flow = 0; Stopwatch.GetTimestamp() < deadline; flow++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    if (await OneFlowAsync(clients[worker % clients.Count], tally, $"w{worker}-{flow}"))
                    {
                        tally.FlowMilliseconds.Enqueue(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        continue;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    tally.Errors.Enqueue(e.GetType().Name + ": " + e.Message);
                }
                Interlocked.Increment(ref tally.FailedFlows);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return tally;
    }

    private static async Task<bool> OneFlowAsync(ImpersonationFlowClient client, SoakTally tally, string state)
    {
        var link = await client.CreateLinkAsync(state);
        tally.Count("impersonate", link.Status);
        if (!link.Succeeded)
        {
            return false;
        }

        var code = await client.FollowAsync(link.Value!);
        tally.Count("follow", code.Status);
        if (!code.Succeeded)
        {
            if (code.Denial is not null) tally.Errors.Enqueue("login denied: " + code.Denial);
            return false;
        }
        tally.RedeemedLinkIds.Enqueue(ImpersonationFlowClient.LinkId(link.Value!));

        var token = await client.ExchangeAsync(code.Value!);
        tally.Count("token", token.Status);
        if (!token.Succeeded)
        {
            return false;
        }
        Interlocked.Increment(ref tally.TokensIssued);
        return true;
    }
}
