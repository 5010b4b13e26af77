using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Rules.Soak;

/// <summary>
/// The loopback service the --http-upstream soak's rule calls: Kestrel on 127.0.0.1:PORT answering every request with
/// {"ok":true} after a fixed delay, so each login waits on the network the way a rule calling a slow CRM does. It counts
/// the calls it answered, so the report can show every login really called out.
/// </summary>
public sealed class SlowUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _answered;
    private long _slowestTicks;

    private SlowUpstream(WebApplication app) => _app = app;

    public int Answered => Volatile.Read(ref _answered);

    /// <summary>The longest any answer took from the handler's start to its last byte written: far above the delay
    /// means this process (the load client) was starved, not the server.</summary>
    public TimeSpan SlowestAnswer => TimeSpan.FromTicks(Volatile.Read(ref _slowestTicks));

    public static async Task<SlowUpstream> StartAsync(int port, TimeSpan delay)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var upstream = new SlowUpstream(app);
        app.Run(async context =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await Task.Delay(delay, context.RequestAborted);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"ok":true}""", context.RequestAborted);
            Interlocked.Increment(ref upstream._answered);
            var took = System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks;
            for (var slowest = Volatile.Read(ref upstream._slowestTicks); took > slowest; slowest = Volatile.Read(ref upstream._slowestTicks))
            {
                Interlocked.CompareExchange(ref upstream._slowestTicks, took, slowest);
            }
        });
        await app.StartAsync();
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
