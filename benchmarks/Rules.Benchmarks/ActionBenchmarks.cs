using BenchmarkDotNet.Attributes;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;

namespace Rules.Benchmarks;

/// <summary>
/// The same policy as an Auth0 rule and as an Action, one warm login each: Rules.Samples/rules/impersonation-token-claims.js
/// against its twin Rules.Samples/actions/mark-impersonated-sessions.js (five claims, a scope edit, one console line), on the
/// impersonated login. The difference is what the Actions shape costs per login: the event object and api calls instead of
/// plain property writes and a callback.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(BenchmarkJobs.Pipeline))]
public class ActionBenchmarks
{
    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        ["rule"] = Path.Combine("rules", "impersonation-token-claims.js"),
        ["action"] = Path.Combine("actions", "mark-impersonated-sessions.js"),
    };

    private RulePipeline _pipeline = null!;
    private LoginTransaction _transaction = null!;

    [ParamsSource(nameof(Styles))]
    public string Style { get; set; } = "rule";

    public static IEnumerable<string> Styles => Files.Keys;

    [GlobalSetup]
    public void Setup()
    {
        var root = BenchmarkData.FindRepositoryRoot() ?? throw new InvalidOperationException("Rules.sln not found");
        var path = Path.Combine(root, "Rules.Samples", Files[Style]);
        var compiled = BenchmarkData.Compile(new RuleSet([new RuleSource(Style, path, File.ReadAllText(path))]), new ScriptCache());
        _pipeline = new RulePipeline(compiled);
        _transaction = BenchmarkData.Transaction(BenchmarkData.Impersonated);
        for (var i = 0; i < 3; i++)
        {
            BenchmarkData.Verify(_pipeline.Execute(_transaction), compiled, BenchmarkData.Impersonated);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _pipeline.Dispose();

    [Benchmark(Description = "Warm login, one policy")]
    public Outcome Warm() => _pipeline.Execute(_transaction);
}
