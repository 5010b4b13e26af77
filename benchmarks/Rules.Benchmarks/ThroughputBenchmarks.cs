using BenchmarkDotNet.Attributes;
using Rules.Engine.Pipeline;

namespace Rules.Benchmarks;

/// <summary>
/// The warm path under concurrency: each operation is <see cref="LoginsPerInvoke"/> impersonated logins through one
/// shared, warmed pipeline, split evenly over <see cref="Threads"/> threads. The reported time is wall-clock per login,
/// so 1e6 / Mean(µs) is logins per second for the whole process; with 2 threads on 2 cores, perfect scaling halves it.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(BenchmarkJobs.Pipeline))]
public class ThroughputBenchmarks
{
    public const int LoginsPerInvoke = 256;

    private RulePipeline _pipeline = null!;
    private LoginTransaction _transaction = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var ruleSet = BenchmarkData.LoadRuleSet();
        var compiled = BenchmarkData.Compile(ruleSet, new Rules.Engine.Compilation.ScriptCache());
        _transaction = BenchmarkData.Transaction(BenchmarkData.Impersonated);
        _pipeline = new RulePipeline(compiled);
        _pipeline.Warm(Threads);
        BenchmarkData.Verify(_pipeline.Execute(_transaction), compiled, BenchmarkData.Impersonated);
        BenchmarkData.WarmUp(_pipeline, [_transaction], TimeSpan.FromSeconds(3));
        for (var i = 0; i < 20; i++)
        {
            Run(); // parallel rounds: every thread has its runtime and the parallel loop is compiled before timing starts
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// {Threads} thread(s): {_pipeline.RuntimesCreated} runtimes built, {_pipeline.IdleRuntimes} idle");
        _pipeline.Dispose();
    }

    [Benchmark(OperationsPerInvoke = LoginsPerInvoke, Description = "Warm logins, per login")]
    public void Run()
    {
        var perThread = LoginsPerInvoke / Threads;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            for (var i = 0; i < perThread; i++)
            {
                if (!_pipeline.Execute(_transaction).IsAllowed)
                {
                    throw new InvalidOperationException("a warm login was denied under concurrency");
                }
            }
        });
    }
}
