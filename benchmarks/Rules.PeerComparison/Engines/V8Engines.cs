using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ClearScript;
using Microsoft.ClearScript.V8;

namespace Rules.PeerComparison.Engines;

/// <summary>
/// The script that sets up the rules in a peer context: benchmarks/peers/rules-contract.js applied to the
/// configuration, then every rule file wrapped in parentheses (a declaration becomes a named function expression,
/// comments stay), exactly as the Node driver builds it.
/// </summary>
public static class PeerSetupScript
{
    public static string ContractPath => Path.Combine(AppContext.BaseDirectory, "peers", "rules-contract.js");

    public static string Build(Workload workload)
    {
        var rules = workload.EnabledRules;
        var names = JsonSerializer.Serialize(rules.Select(r => r.Name));
        var configuration = JsonSerializer.Serialize(workload.RuleSet.Configuration);
        var functions = string.Join(",\n", rules.Select(r => "(" + r.Script + "\n)"));
        return $"var __pipeline = ({File.ReadAllText(ContractPath)})({configuration})({names}, [\n{functions}\n]);";
    }
}

/// <summary>ClearScript V8 with one context reused by every login (rules compiled once), the way a V8 host would pool it.</summary>
public sealed class V8ReusedEngine : ILoginEngine
{
    private readonly V8ScriptEngine _engine;
    private readonly ScriptObject _run;
    private readonly ScriptObject _takeOutcome;
    private readonly string[] _logins;

    public V8ReusedEngine(Workload workload)
    {
        _engine = new V8ScriptEngine(V8ScriptEngineFlags.None);
        _engine.Execute(PeerSetupScript.Build(workload));
        _run = (ScriptObject)_engine.Evaluate("__pipeline.run");
        _takeOutcome = (ScriptObject)_engine.Evaluate("__pipeline.takeOutcome");
        _logins = workload.Logins.Select(l => l.Json).ToArray();
    }

    public object Login(int index) => V8Login.Run(_run, _takeOutcome, _logins[index]);

    public JsonObject Comparable(int index) => ComparableOutcome.Parse(V8Login.Run(_run, _takeOutcome, _logins[index]));

    public void Dispose() => _engine.Dispose();
}

/// <summary>ClearScript V8 with a fresh context per login: the setup script is compiled once in a shared runtime, run anew each time.</summary>
public sealed class V8FreshEngine : ILoginEngine
{
    private readonly V8Runtime _runtime = new();
    private readonly V8Script _setup;
    private readonly string[] _logins;

    public V8FreshEngine(Workload workload)
    {
        _setup = _runtime.Compile(PeerSetupScript.Build(workload));
        _logins = workload.Logins.Select(l => l.Json).ToArray();
    }

    public object Login(int index)
    {
        using var engine = _runtime.CreateScriptEngine();
        engine.Execute(_setup);
        return V8Login.Run((ScriptObject)engine.Evaluate("__pipeline.run"), (ScriptObject)engine.Evaluate("__pipeline.takeOutcome"), _logins[index]);
    }

    public JsonObject Comparable(int index) => ComparableOutcome.Parse((string)Login(index));

    public void Dispose()
    {
        _setup.Dispose();
        _runtime.Dispose();
    }
}

internal static class V8Login
{
    /// <summary>run() answers at once when every rule called back synchronously; after an async rule the outcome is there once V8 has run its microtasks (on return to the host).</summary>
    public static string Run(ScriptObject run, ScriptObject takeOutcome, string transactionJson) =>
        run.Invoke(false, transactionJson) as string
        ?? takeOutcome.Invoke(false) as string
        ?? throw new InvalidOperationException("the V8 pipeline did not finish: a rule never called back");
}
