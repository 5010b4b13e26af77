using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Rules.Benchmarks;

/// <summary>
/// Jobs sized for a 2-core machine: one process launch, 3 warm-up and 15 measured iterations of ~250 ms each.
/// BenchmarkDotNet's pilot stage picks the invocations per iteration, so the cold path (milliseconds per login)
/// gets a few dozen invocations per iteration while the warm path gets thousands.
/// </summary>
public static class BenchmarkJobs
{
    public sealed class Pipeline : ManualConfig
    {
        public Pipeline()
        {
            AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(15)
                .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
                .WithId("Rules"));

            // Reports go to benchmarks/BenchmarkDotNet.Artifacts (git-ignored), wherever the command is run from.
            if (BenchmarkData.FindRepositoryRoot() is { } root)
            {
                ArtifactsPath = Path.Combine(root, "benchmarks", "BenchmarkDotNet.Artifacts");
            }
        }
    }
}
