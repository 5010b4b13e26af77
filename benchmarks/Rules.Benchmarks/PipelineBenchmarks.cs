using BenchmarkDotNet.Attributes;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;

namespace Rules.Benchmarks;

/// <summary>
/// One login through the rule set (Rules.Samples/rules by default), three ways:
/// <list type="bullet">
/// <item><b>Cold</b>: nothing cached. Parse and prepare every rule (fresh <see cref="ScriptCache"/>), build a pipeline, whose first
/// login builds a Jint engine and runs the bootstrap (freezing the built-ins) and loads the rule functions, run the login, dispose.</item>
/// <item><b>CachedScripts</b>: the scripts are already prepared (shared cache), but each login still builds a new pipeline,
/// so a new engine plus bootstrap per login.</item>
/// <item><b>Warm</b> (baseline): one pipeline built and warmed in GlobalSetup; each operation is one <c>Execute</c>:
/// rent a runtime, convert user and context to JS, call every rule, read the outcome back to JSON, restore the global snapshot.</item>
/// </list>
/// The rule set is read from disk once in GlobalSetup: file I/O is not part of a login.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(BenchmarkJobs.Pipeline))]
public class PipelineBenchmarks
{
    private RuleSet _ruleSet = null!;
    private ScriptCache _sharedCache = null!;
    private CompiledRuleSet _compiled = null!;
    private RulePipeline _warm = null!;
    private LoginTransaction _transaction = null!;

    [ParamsSource(nameof(Logins))]
    public string Login { get; set; } = BenchmarkData.Impersonated;

    public static IEnumerable<string> Logins => BenchmarkData.Logins;

    [GlobalSetup]
    public void Setup()
    {
        _ruleSet = BenchmarkData.LoadRuleSet();
        _transaction = BenchmarkData.Transaction(Login);
        _sharedCache = new ScriptCache();
        _compiled = BenchmarkData.Compile(_ruleSet, _sharedCache);
        _warm = new RulePipeline(_compiled);
        _warm.Warm();

        // Every path must reach the same, complete, allowed outcome before it is timed.
        BenchmarkData.Verify(Cold(), _compiled, Login);
        BenchmarkData.Verify(CachedScripts(), _compiled, Login);
        for (var i = 0; i < 3; i++)
        {
            BenchmarkData.Verify(Warm(), _compiled, Login);
        }

        Console.WriteLine($"// rule set {_compiled.Version}: {_compiled.Enabled.Count} enabled rules from {BenchmarkData.RulesDirectory()}; login '{Login}'");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_warm.RuntimesCreated != 1)
        {
            // The hot path must reuse its runtime: more than one means the pool is throwing runtimes away.
            Console.WriteLine($"// WARNING: the warm pipeline built {_warm.RuntimesCreated} runtimes (expected 1)");
        }
        _warm.Dispose();
        _sharedCache.Dispose();
    }

    [Benchmark(Description = "Cold: parse + new engine")]
    public Outcome Cold()
    {
        using var cache = new ScriptCache();
        var compiled = BenchmarkData.Compile(_ruleSet, cache);
        using var pipeline = new RulePipeline(compiled);
        return pipeline.Execute(_transaction);
    }

    [Benchmark(Description = "CachedScripts: new engine")]
    public Outcome CachedScripts()
    {
        var compiled = BenchmarkData.Compile(_ruleSet, _sharedCache);
        using var pipeline = new RulePipeline(compiled);
        return pipeline.Execute(_transaction);
    }

    [Benchmark(Baseline = true, Description = "Warm: pooled engine")]
    public Outcome Warm() => _warm.Execute(_transaction);
}
