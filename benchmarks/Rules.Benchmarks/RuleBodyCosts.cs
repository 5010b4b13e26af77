using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Jint.Native;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Runtime;

namespace Rules.Benchmarks;

/// <summary>
/// What the typical statements of a rule cost inside the sandbox: one rule call, on a warm runtime, whose body is
/// one snippet followed by <c>callback(null, user, context)</c>. Subtract <c>pass-through</c> (the fixed cost of calling
/// a rule: a fresh callback function, the call, draining the promise queue) to get the snippet's own cost.
/// Diagnostic only: it calls RuleRuntime's private Invoke through <see cref="RuntimeAccess"/>.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(BenchmarkJobs.Pipeline))]
public class RuleBodyCosts
{
    private static readonly Dictionary<string, string> Bodies = new(StringComparer.Ordinal)
    {
        ["pass-through"] = "",
        ["if (!user.impersonated) return"] = "if (!user.impersonated) return callback(null, user, context);",
        ["console.log(template)"] = "console.log(`${user.impersonator.email} (${user.impersonator.user_id}) is signed in as ${user.email} on ${context.clientName}`);",
        ["config split+map+filter"] = "var agents = (configuration.SUPPORT_AGENTS || '').split(',').map(function (s) { return s.trim(); }).filter(function (s) { return s.length > 0; });",
        ["scope split+filter"] = "var scopes = context.request.query.scope.split(' ').filter(s => s && s.indexOf('delete:') !== 0);",
        ["array join (guarded)"] = "var text = ['admin', 'owner', 'customer'].join(', ');",
        ["regex literal exec"] = "var m = /^([+-])?(\\d{1,2})(?::?(\\d{2}))?$/.exec('-05:00');",
        ["new Date().toISOString()"] = "var iso = new Date().toISOString();",
        ["3 token claims"] = "context.idToken['https://rules.example.com/a'] = true; context.idToken['https://rules.example.com/b'] = user.email; context.accessToken['https://rules.example.com/c'] = user.user_id;",
        ["updateAppMetadata().then(callback)"] = "return auth0.users.updateAppMetadata(user.user_id, { visits: 42 }).then(() => callback(null, user, context));",
    };

    private RuleRuntime _runtime = null!;
    private CompiledRule _rule = null!;
    private JsValue _function = null!;
    private JsValue _user = null!;
    private JsValue _context = null!;

    [ParamsSource(nameof(Snippets))]
    public string Snippet { get; set; } = "pass-through";

    public static IEnumerable<string> Snippets => Bodies.Keys;

    [GlobalSetup]
    public void Setup()
    {
        var script = $"function (user, context, callback) {{\n  {Bodies[Snippet]}\n  callback(null, user, context);\n}}";
        var configuration = new Dictionary<string, string> { ["SUPPORT_AGENTS"] = "auth0|64b7f0c2a1e9d3f4b5c6a7d8, maria.gonzalez@acme-support.example.com" };
        var compiled = BenchmarkData.Compile(new RuleSet([new RuleSource("snippet", "snippet.js", script)], configuration), new ScriptCache());
        _runtime = new RuleRuntime(compiled);
        var transaction = BenchmarkData.Transaction(BenchmarkData.Impersonated);
        BenchmarkData.Verify(_runtime.Run(transaction), compiled, BenchmarkData.Impersonated);

        RuntimeAccess.Clock(_runtime).FixedNow = transaction.Now;
        _rule = compiled.Enabled[0];
        _function = RuntimeAccess.Functions(_runtime)[0];
        _user = RuntimeAccess.ToJsUser(_runtime, transaction);
        _context = RuntimeAccess.ToJsContext(_runtime, (JsonObject)transaction.Context.DeepClone());
        if (CallRule() is not null)
        {
            throw new InvalidOperationException($"snippet '{Snippet}' did not allow");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _runtime.Dispose();

    [Benchmark(Description = "one rule call")]
    public object? CallRule()
    {
        var state = RuntimeAccess.State(_runtime);
        RuntimeAccess.ResetState(state);
        var invocation = new RuleInvocation(RuntimeAccess.Engine(_runtime), state, "snippet");
        return RuntimeAccess.Invoke(_runtime, _rule, _function, invocation, _user, _context);
    }
}
