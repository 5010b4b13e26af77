using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Jint;
using Jint.Native;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.Runtime;

namespace Rules.Benchmarks;

/// <summary>
/// Where a warm login's time goes. Each benchmark times one stage of <c>RuleRuntime.Run</c> on its own, on a warm
/// runtime built from the same rule set and login as <see cref="PipelineBenchmarks"/>:
/// <c>Execute</c> (the whole hot path) ≈ pool rent/return + <c>Run</c>, and
/// <c>Run</c> ≈ ToJsUser + ToJsContext + CallRules + Finish + RestoreGlobalSnapshot.
/// <para>
/// This is a diagnostic, not a contract: it reaches the runtime's private members through
/// <see cref="UnsafeAccessorAttribute"/> (Rules.Engine grants the benchmarks InternalsVisibleTo), so renaming one of them in
/// RuleRuntime breaks this class only; GlobalSetup then says which member is missing.
/// </para>
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(BenchmarkJobs.Pipeline))]
public class WarmPathBreakdown
{
    private RulePipeline _pipeline = null!;
    private RuleRuntime _runtime = null!;
    private RuleRuntime _passThrough = null!;
    private LoginTransaction _transaction = null!;
    private Jint.Engine _engine = null!;
    private JsValue[] _functions = null!;
    private IReadOnlyList<CompiledRule> _rules = null!;
    private JsValue _user = null!;
    private JsValue _context = null!;
    private JsValue _ruledUser = null!;
    private JsValue _ruledContext = null!;
    private JsValue _passThroughUser = null!;
    private JsValue _passThroughContext = null!;
    private RuleTiming[] _timings = null!;

    [ParamsSource(nameof(Logins))]
    public string Login { get; set; } = BenchmarkData.Impersonated;

    public static IEnumerable<string> Logins => BenchmarkData.Logins;

    [GlobalSetup]
    public void Setup()
    {
        var compiled = BenchmarkData.Compile(BenchmarkData.LoadRuleSet(), new ScriptCache());
        _transaction = BenchmarkData.Transaction(Login);
        _pipeline = new RulePipeline(compiled);
        _pipeline.Warm();
        _runtime = new RuleRuntime(compiled);
        _rules = compiled.Enabled;
        _timings = new RuleTiming[_rules.Count];

        try
        {
            _engine = RuntimeAccess.Engine(_runtime);
            _functions = RuntimeAccess.Functions(_runtime);
            BenchmarkData.Verify(_runtime.Run(_transaction), compiled, Login);

            // Run pins the rules' clock to the transaction's "now" only while it runs; the stages below run outside it.
            RuntimeAccess.Clock(_runtime).FixedNow = _transaction.Now;

            _user = ToJsUser();
            _context = ToJsContext();
            (_ruledUser, _ruledContext) = RunRulesOn(ToJsUser(), ToJsContext());
            RestoreGlobalSnapshot();
            var outcome = Finish();
            BenchmarkData.Verify(outcome, compiled, Login);
        }
        catch (MissingMemberException e)
        {
            throw new InvalidOperationException($"WarmPathBreakdown reads RuleRuntime's private members and one is gone ({e.Message}); update RuntimeAccess.", e);
        }

        // One rule that does nothing but call back: the fixed cost of calling a rule, whatever it does.
        var passThroughSet = new Rules.Engine.RuleSets.RuleSet([new("pass-through", "pass-through.js", "function (user, context, callback) { callback(null, user, context); }")]);
        _passThrough = new RuleRuntime(BenchmarkData.Compile(passThroughSet, new ScriptCache()));
        RuntimeAccess.Clock(_passThrough).FixedNow = _transaction.Now;
        _passThroughUser = RuntimeAccess.ToJsUser(_passThrough, _transaction);
        _passThroughContext = RuntimeAccess.ToJsContext(_passThrough, _transaction.Context);
        if (CallOnePassThroughRule() is not null)
        {
            throw new InvalidOperationException("the pass-through rule did not allow");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline.Dispose();
        _runtime.Dispose();
        _passThrough.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Execute (whole warm path)")]
    public Outcome Execute() => _pipeline.Execute(_transaction);

    [Benchmark(Description = "Run (no pool)")]
    public Outcome Run() => _runtime.Run(_transaction);

    [Benchmark(Description = "ToJsUser (JSON -> JS)")]
    public JsValue ToJsUser() => RuntimeAccess.ToJsUser(_runtime, _transaction);

    [Benchmark(Description = "ToJsContext (JSON -> JS)")]
    public JsValue ToJsContext() => RuntimeAccess.ToJsContext(_runtime, _transaction.Context);

    [Benchmark(Description = "CallRules (all rules)")]
    public JsValue CallRules() => RunRulesOn(_user, _context).User;

    [Benchmark(Description = "CallOnePassThroughRule")]
    public object? CallOnePassThroughRule()
    {
        var state = RuntimeAccess.State(_passThrough);
        RuntimeAccess.ResetState(state);
        var invocation = new RuleInvocation(RuntimeAccess.Engine(_passThrough), state, "pass-through");
        return RuntimeAccess.Invoke(_passThrough, RuntimeAccess.RuleSet(_passThrough).Enabled[0], RuntimeAccess.Functions(_passThrough)[0], invocation, _passThroughUser, _passThroughContext);
    }

    [Benchmark(Description = "Finish (JS -> outcome JSON)")]
    public Outcome Finish()
    {
        RuntimeAccess.ResetState(RuntimeAccess.State(_runtime));
        return RuntimeAccess.Finish(_runtime, null, _transaction, _ruledUser, _ruledContext, Stopwatch.GetTimestamp(), _timings, _timings.Length);
    }

    [Benchmark(Description = "RestoreGlobalSnapshot")]
    public void RestoreGlobalSnapshot() => _engine.Advanced.RestoreGlobalSnapshot(RuntimeAccess.Snapshot(_runtime));

    [Benchmark(Description = "Pool rent + return")]
    public void RentReturn() => _pipeline.Warm();

    private (JsValue User, JsValue Context) RunRulesOn(JsValue user, JsValue context)
    {
        var state = RuntimeAccess.State(_runtime);
        RuntimeAccess.ResetState(state);
        for (var i = 0; i < _rules.Count; i++)
        {
            var invocation = new RuleInvocation(_engine, state, _rules[i].Name);
            if (RuntimeAccess.Invoke(_runtime, _rules[i], _functions[i], invocation, user, context) is { } denial)
            {
                throw new InvalidOperationException($"rule '{_rules[i].Name}' denied in the breakdown: {denial}");
            }
            if (invocation.User is JsValue nextUser && nextUser.IsObject()) user = nextUser;
            if (invocation.Context is JsValue nextContext && nextContext.IsObject()) context = nextContext;
        }
        return (user, context);
    }
}

/// <summary>RuleRuntime's private members, for <see cref="WarmPathBreakdown"/> only.</summary>
internal static class RuntimeAccess
{
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_engine")]
    public static extern ref Jint.Engine Engine(RuleRuntime runtime);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_functions")]
    public static extern ref JsValue[] Functions(RuleRuntime runtime);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_state")]
    public static extern ref LoginState State(RuleRuntime runtime);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_ruleSet")]
    public static extern ref CompiledRuleSet RuleSet(RuleRuntime runtime);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_clock")]
    public static extern ref RuleClock Clock(RuleRuntime runtime);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_snapshot")]
    public static extern ref GlobalSnapshot Snapshot(RuleRuntime runtime);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "ToJsUser")]
    public static extern Jint.Native.JsObject ToJsUser(RuleRuntime runtime, LoginTransaction transaction);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "ToJsContext")]
    public static extern Jint.Native.JsObject ToJsContext(RuleRuntime runtime, JsonObject context);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "InvokeAsync")]
    private static extern ValueTask<Denial?> InvokeAsync(RuleRuntime runtime, CompiledRule rule, JsValue function, RuleInvocation invocation, JsValue user, JsValue context);

    /// <summary>One rule call; the sample rules make no HTTP calls, so it completes synchronously.</summary>
    public static Denial? Invoke(RuleRuntime runtime, CompiledRule rule, JsValue function, RuleInvocation invocation, JsValue user, JsValue context)
    {
        var call = InvokeAsync(runtime, rule, function, invocation, user, context);
        return call.IsCompletedSuccessfully ? call.Result : call.AsTask().GetAwaiter().GetResult();
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "Finish")]
    private static extern Outcome Finish(RuleRuntime runtime, Denial? denial, LoginTransaction transaction, JsValue user, JsValue context, long started, RuleTiming[] timings, int ran,
        (string Rule, RedirectRequest Request)? redirect);

    public static Outcome Finish(RuleRuntime runtime, Denial? denial, LoginTransaction transaction, JsValue user, JsValue context, long started, RuleTiming[] timings, int ran) =>
        Finish(runtime, denial, transaction, user, context, started, timings, ran, null);

    public static void ResetState(LoginState state) => state.Reset();
}
