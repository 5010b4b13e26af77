using System.Text.Json.Nodes;
using Rules.Benchmarks;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;

namespace Rules.PeerComparison.Engines;

/// <summary>This engine warm: one <see cref="RulePipeline"/> (pooled runtimes, compiled scripts), as the server runs it.</summary>
public sealed class JintWarmEngine : ILoginEngine
{
    private readonly RulePipeline _pipeline;
    private readonly LoginTransaction[] _logins;

    public JintWarmEngine(Workload workload)
    {
        _pipeline = new RulePipeline(BenchmarkData.Compile(workload.RuleSet, new ScriptCache()));
        _pipeline.Warm();
        _logins = workload.Logins.Select(l => l.Transaction).ToArray();
    }

    public object Login(int index) => _pipeline.Execute(_logins[index]);

    public JsonObject Comparable(int index) => ComparableOutcome.From(_pipeline.Execute(_logins[index]));

    public void Dispose() => _pipeline.Dispose();
}

/// <summary>This engine cold: nothing cached; every login parses and prepares the rules, builds a runtime (bootstrap, frozen built-ins) and runs.</summary>
public sealed class JintColdEngine(Workload workload) : ILoginEngine
{
    private readonly LoginTransaction[] _logins = workload.Logins.Select(l => l.Transaction).ToArray();

    public object Login(int index)
    {
        using var pipeline = new RulePipeline(BenchmarkData.Compile(workload.RuleSet, new ScriptCache()));
        return pipeline.Execute(_logins[index]);
    }

    public JsonObject Comparable(int index) => ComparableOutcome.From((Outcome)Login(index));

    public void Dispose()
    {
    }
}
