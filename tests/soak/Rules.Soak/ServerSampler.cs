using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Rules.Soak;

/// <summary>One look at the server: its resident memory and, from /readyz, its rule runtimes.</summary>
public sealed record ServerSample(TimeSpan At, long RssKb, long? RuntimesCreated, int? IdleRuntimes, int? PoolBound);

/// <summary>
/// Samples the server once a second while the load runs: VmRSS from /proc/PID/status, and the pool figures
/// /readyz reports (runtimes.created, runtimes.idle, runtimes.poolBound).
/// </summary>
public sealed class ServerSampler(HttpClient http, Uri baseUri, int pid)
{
    public List<ServerSample> Samples { get; } = [];

    public async Task RunAsync(TimeSpan interval, CancellationToken stop)
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            Samples.Add(await SampleAsync(DateTime.UtcNow - started));
            try
            {
                await Task.Delay(interval, stop);
            }
            catch (OperationCanceledException)
            {
                Samples.Add(await SampleAsync(DateTime.UtcNow - started));
                return;
            }
        }
    }

    private async Task<ServerSample> SampleAsync(TimeSpan at)
    {
        var rss = ReadRssKb(pid);
        try
        {
            var ready = await http.GetFromJsonAsync<JsonObject>(new Uri(baseUri, "/readyz"));
            var runtimes = ready?["runtimes"];
            return new ServerSample(at, rss, runtimes?["created"]?.GetValue<long>(), runtimes?["idle"]?.GetValue<int>(), runtimes?["poolBound"]?.GetValue<int>());
        }
        catch (HttpRequestException)
        {
            return new ServerSample(at, rss, null, null, null);
        }
    }

    public static long ReadRssKb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
