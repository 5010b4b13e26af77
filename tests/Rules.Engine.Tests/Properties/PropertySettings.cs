using Rules.Engine.Sandbox;

namespace Rules.Engine.Tests.Properties;

/// <summary>
/// Iteration counts and sandbox limits for the property tests, chosen so the whole folder runs in well under a
/// minute on two cores. CsCheck prints the seed of any failing case; rerun it with the environment variable
/// <c>CsCheck_Seed=&lt;seed&gt;</c>. <c>CsCheck_Iter=&lt;n&gt;</c> runs every property n times for a longer search.
/// </summary>
internal static class PropertySettings
{
    /// <summary>
    /// Runaway loops stop on the statement count (fast, and at the same statement on every run), long before the
    /// time budget, which stays generous so a busy CI machine never turns a deterministic outcome into a timeout.
    /// </summary>
    public static SandboxOptions Sandbox { get; } = SandboxOptions.Default with
    {
        MaxStatements = 200_000,
        MemoryLimitBytes = 32L * 1024 * 1024,
        TimeBudget = TimeSpan.FromSeconds(3),
        MaxPooledRuntimes = 1,
    };

    public static long Iterations(long ci) =>
        long.TryParse(Environment.GetEnvironmentVariable("CsCheck_Iter"), out var requested) && requested > 0 ? requested : ci;

    /// <summary>One thread: the suite shares the machine with the other test classes.</summary>
    public const int Threads = 1;
}
