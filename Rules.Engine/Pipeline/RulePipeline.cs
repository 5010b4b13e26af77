using System.Text.Json.Nodes;
using System.Diagnostics;
using Rules.Engine.Compilation;
using Rules.Engine.Runtime;

namespace Rules.Engine.Pipeline;

/// <summary>
/// Runs one compiled rule-set version against logins, from any number of threads at once. Each login
/// gets a warm runtime of its own from the pool; the pipeline fails closed: whatever happens, the
/// answer is an <see cref="Outcome"/>, and any failure is a denial.
/// </summary>
public sealed class RulePipeline : IDisposable
{
    private readonly RuntimePool _pool;

    public RulePipeline(CompiledRuleSet ruleSet)
    {
        RuleSet = ruleSet;
        _pool = new RuntimePool(ruleSet);
    }

    public CompiledRuleSet RuleSet { get; }

    public string Version => RuleSet.Version;

    /// <summary>Runtimes built so far; a steady state shows this flat while logins keep coming.</summary>
    public long RuntimesCreated => _pool.CreatedCount;

    public int IdleRuntimes => _pool.IdleCount;

    public Outcome Execute(LoginTransaction transaction, ExecutionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var started = Stopwatch.GetTimestamp();
        if (transaction.IsImpersonated && transaction.User["impersonator"] is not JsonObject)
        {
            // Who is acting must be known before any rule decides about an impersonation.
            return Refused("an impersonated login needs user.impersonator { user_id, email }", started);
        }
        RuleRuntime runtime;
        try
        {
            runtime = _pool.Rent();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return RuntimeUnavailable(e, started);
        }

        try
        {
            return runtime.Run(transaction, options);
        }
        finally
        {
            _pool.Return(runtime);
        }
    }

    /// <summary>Builds warm runtimes ahead of the first logins.</summary>
    public void Warm(int runtimes = 1)
    {
        var rented = new List<RuleRuntime>();
        for (var i = 0; i < runtimes; i++)
        {
            rented.Add(_pool.Rent());
        }
        rented.ForEach(_pool.Return);
    }

    private Outcome RuntimeUnavailable(Exception e, long started) =>
        Refused($"a rule runtime could not be created ({e.GetType().Name}: {e.Message})", started, "the rule runtime is unavailable");

    private Outcome Refused(string failure, long started, string? reason = null) => new()
    {
        Decision = Decision.Deny,
        Rule = "",
        Error = "access_denied",
        ErrorDescription = $"The login could not be completed: {reason ?? failure}.",
        Kind = DenialKind.RuleError,
        Failure = new RuleFailure(failure),
        RuleSetVersion = Version,
        Timings = new OutcomeTimings(Stopwatch.GetElapsedTime(started).TotalMilliseconds, []),
    };

    public void Dispose() => _pool.Dispose();
}
