using System.Diagnostics;
using FluentAssertions;
using Rules.Engine.Pipeline;
using Xunit;
using Xunit.Abstractions;

namespace Rules.Engine.Tests.Http;

/// <summary>
/// The soak's shape in small: 200 logins at once, each waiting 200 ms on a loopback upstream. They must all finish,
/// never more than MaxActiveRuntimes at a time; the figures (time, peak threads, runtimes built) are printed for the report.
/// </summary>
public sealed class WaitingLoginsLoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_hundred_logins_waiting_on_the_network_finish_with_bounded_runtimes()
    {
        await using var fake = new FakeHttpService(_ => FakeResponse.Json(200, """{"tier":"gold"}""", delayMs: 200));
        var options = HttpPipelines.Options with { TimeBudget = TimeSpan.FromSeconds(60), HttpCallTimeout = TimeSpan.FromSeconds(30), MaxActiveRuntimes = 32, MaxPooledRuntimes = 32 };
        using var pipeline = HttpPipelines.Create(options, [fake.Origin], new Dictionary<string, string> { ["BASE"] = fake.Origin }, """
            function (user, context, callback) {
              require('request')({ url: configuration.BASE + '/tier', json: true }, function (err, response, body) {
                if (err) return callback(err);
                context.idToken.tier = body.tier;
                callback(null, user, context);
              });
            }
            """);
        pipeline.Warm(2);
        var threadsBefore = ThreadPool.ThreadCount;
        var peakActive = 0;
        var peakThreads = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakActive = Math.Max(peakActive, pipeline.ActiveLogins);
                peakThreads = Math.Max(peakThreads, ThreadPool.ThreadCount);
                await Task.Delay(5);
            }
        });

        var started = Stopwatch.GetTimestamp();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => pipeline.ExecuteAsync(PipelineFactory.Login())));
        var elapsed = Stopwatch.GetElapsedTime(started);
        sampling.Cancel();
        await sampler;

        outcomes.Should().OnlyContain(o => o.IsAllowed && o.IdToken["tier"]!.GetValue<string>() == "gold");
        peakActive.Should().BeLessThanOrEqualTo(32);
        fake.Received.Should().HaveCount(200);
        output.WriteLine($"200 logins x 200 ms upstream: {elapsed.TotalMilliseconds:0} ms; peak active logins {peakActive} (bound 32); " +
            $"thread-pool threads {threadsBefore} before, peak {peakThreads}; runtimes built {pipeline.RuntimesCreated}, idle after {pipeline.IdleRuntimes}");
    }
}
