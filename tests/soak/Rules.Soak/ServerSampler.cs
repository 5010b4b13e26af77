using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Rules.Soak;

/// <summary>One look at the server: its resident memory, its thread count and, from /readyz, its rule runtimes.</summary>
public sealed record ServerSample(TimeSpan At, long RssKb, int Threads, long? RuntimesCreated, int? IdleRuntimes, int? PoolBound);

/// <summary>
/// Samples the server once a second while the load runs: VmRSS and Threads from /proc/PID/status, and the pool figures
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
        var threads = (int)ReadStatusNumber(pid, "Threads:");
        try
        {
            var ready = await http.GetFromJsonAsync<JsonObject>(new Uri(baseUri, "/readyz"));
            var runtimes = ready?["runtimes"];
            return new ServerSample(at, rss, threads, runtimes?["created"]?.GetValue<long>(), runtimes?["idle"]?.GetValue<int>(), runtimes?["poolBound"]?.GetValue<int>());
        }
        catch (HttpRequestException)
        {
            return new ServerSample(at, rss, threads, null, null, null);
        }
    }

    public static long ReadRssKb(int pid) => ReadStatusNumber(pid, "VmRSS:");

    /// <summary>The number after a /proc/PID/status field name ("VmRSS:" in kB, "Threads:" a count).</summary>
    private static long ReadStatusNumber(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
