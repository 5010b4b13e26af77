using System.Globalization;
using Jint;
using Jint.Runtime;

namespace Rules.Engine.Sandbox;

/// <summary>
/// <see cref="SandboxOptions"/> as Jint options, in Jint's own fluent style (<c>o.MaxStatements(n)</c>). The one
/// definition of the sandbox an engine gets: the rule runtime applies it, and the benchmarks apply the same parts instead
/// of copying them. What belongs to one runtime (its deadline constraint, clock, coverage hooks) is added by the caller.
/// </summary>
internal static class SandboxEngineOptions
{
    /// <summary>The limits and the isolation together: what every rule runtime runs under.</summary>
    public static Options RulesSandbox(this Options options, SandboxOptions sandbox, ITimeSystem clock) =>
        options.RulesLimits(sandbox).RulesIsolation(clock);

    /// <summary>
    /// The engine constraints: statements, memory, recursion, array size, regex time, and the stack guard (a deep native
    /// recursion becomes a catchable error instead of ending the process). The time budget is the caller's deadline constraint.
    /// </summary>
    public static Options RulesLimits(this Options options, SandboxOptions sandbox)
    {
        options.MaxStatements(sandbox.MaxStatements);
        options.LimitMemory(sandbox.MemoryLimitBytes);
        options.LimitRecursion(sandbox.MaxRecursionDepth);
        options.MaxArraySize(sandbox.MaxArraySize);
        options.RegexTimeoutInterval(sandbox.RegexTimeout);
        options.Constraints.StackOverflowGuard = true;
        return options;
    }

    /// <summary>
    /// What rules cannot reach: no eval or Function, no CLR, no host require, no waiting agents; and the same answer for
    /// every login whatever the server's locale (UTC, invariant culture, the time from <paramref name="clock"/>).
    /// </summary>
    public static Options RulesIsolation(this Options options, ITimeSystem clock)
    {
        options.Host.StringCompilationAllowed = false;
        options.AgentCanSuspend = false;
        options.Interop.Enabled = false;
        options.Modules.RegisterRequire = false;
        options.TimeSystem = clock;
        options.TimeZone = TimeZoneInfo.Utc;
        options.Culture = CultureInfo.InvariantCulture;
        return options;
    }
}
