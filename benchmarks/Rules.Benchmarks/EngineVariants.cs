using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Jint;
using Jint.Constraints;
using Jint.Native;
using Jint.Runtime.Interop;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.Runtime;
using Rules.Engine.Sandbox;

namespace Rules.Benchmarks;

/// <summary>
/// How much of the rules' own execution time is Jint and how much is the sandbox. Calls every rule of the set once,
/// on pre-converted user and context objects (the <c>CallRules</c> stage of <see cref="WarmPathBreakdown"/>), in engines
/// built four ways:
/// <list type="bullet">
/// <item><b>bare</b>: a plain Jint engine with a minimal JS prelude for the Auth0 globals (no constraints, nothing frozen).</item>
/// <item><b>constraints</b>: bare plus the production engine options (deadline, statements, memory, recursion, array size, regex timeout, stack guard).</item>
/// <item><b>bootstrap</b>: the production bootstrap (Runtime/Bootstrap/*.js: guarded String/Array methods, override accessors, every built-in frozen), no constraints.</item>
/// <item><b>production</b>: both, as <c>RuleRuntime</c> builds its engine.</item>
/// </list>
/// and, to find which constraint costs what, bare plus one constraint each: <b>+deadline</b>, <b>+statements</b>,
/// <b>+memory</b>, <b>+recursion</b>, <b>+stackguard</b> (array size and regex timeout are not checked per statement).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(BenchmarkJobs.Pipeline))]
public class EngineVariants
{
    private const string Prelude = """
        (function (host) {
            class UnauthorizedError extends Error {
                constructor(message) { super(message); this.name = 'UnauthorizedError'; }
            }
            const describe = (v) => typeof v === 'string' ? v : JSON.stringify(v);
            const log = function () { const parts = []; for (let i = 0; i < arguments.length; i++) parts.push(describe(arguments[i])); host.log(parts.join(' ')); };
            const update = (kind) => function (userId, metadata) { host.updateMetadata(kind, String(userId), metadata); return Promise.resolve(); };
            globalThis.UnauthorizedError = UnauthorizedError;
            globalThis.configuration = host.configuration;
            globalThis.global = {};
            globalThis.console = { log, info: log, warn: log, error: log };
            globalThis.auth0 = { users: { updateAppMetadata: update('AppMetadata'), updateUserMetadata: update('UserMetadata') } };
            return {};
        })
        """;

    private Jint.Engine _engine = null!;
    private OperationDeadlineConstraint? _deadline;
    private LoginState _state = null!;
    private IReadOnlyList<CompiledRule> _rules = null!;
    private JsValue[] _functions = null!;
    private JsValue _user = null!;
    private JsValue _context = null!;
    private readonly SandboxOptions _options = SandboxOptions.Default;

    [Params("bare", "+deadline", "+statements", "+memory", "+recursion", "+stackguard", "constraints", "bootstrap", "production")]
    public string Engine { get; set; } = "production";

    [ParamsSource(nameof(Logins))]
    public string Login { get; set; } = BenchmarkData.Impersonated;

    public static IEnumerable<string> Logins => BenchmarkData.Logins;

    [GlobalSetup]
    public void Setup()
    {
        var compiled = BenchmarkData.Compile(BenchmarkData.LoadRuleSet(), new ScriptCache());
        var transaction = BenchmarkData.Transaction(Login);
        var constrained = Engine is "constraints" or "production";
        bool With(string constraint) => constrained || Engine == constraint;
        var bootstrap = Engine is "bootstrap" or "production";
        var clock = new RuleClock { FixedNow = transaction.Now };
        _state = new LoginState(_options.MaxLogEntries, _options.MaxLogEntryLength);
        _deadline = With("+deadline") ? new OperationDeadlineConstraint() : null;

        _engine = new Jint.Engine(o =>
        {
            if (_deadline is not null) o.Constraint(_deadline);
            if (constrained)
            {
                o.RulesLimits(_options);
            }
            else
            {
                // One limit at a time, to measure what each costs on its own.
                if (With("+statements")) o.MaxStatements(_options.MaxStatements);
                if (With("+memory")) o.LimitMemory(_options.MemoryLimitBytes);
                if (With("+recursion")) o.LimitRecursion(_options.MaxRecursionDepth);
                o.Constraints.StackOverflowGuard = With("+stackguard");
            }
            o.RulesIsolation(clock);
        });

        var statements = _engine.Constraints.Find<MaxStatementsConstraint>();
        statements?.MaxStatements = int.MaxValue - 1;
        if (bootstrap)
        {
            RuntimeBootstrap.Run(_engine, CreateHostObject(compiled));
        }
        else
        {
            _engine.Call(_engine.Evaluate(Prelude, "prelude.js"), JsValue.Undefined, [CreateHostObject(compiled)]);
        }
        _rules = compiled.Enabled;
        _functions = _rules.Select(r => _engine.Evaluate(r.Script)).ToArray();
        statements?.MaxStatements = _options.MaxStatements;

        _user = ToJsUser(transaction);
        _context = JsonBridge.ToJsObject(_engine, (JsonObject)transaction.Context.DeepClone());
        CallRules();
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    [Benchmark(Description = "CallRules (all rules)")]
    public int CallRules()
    {
        _state.Reset();
        _deadline?.Begin(_options.TimeBudget, CancellationToken.None);
        try
        {
            var user = _user;
            var context = _context;
            for (var i = 0; i < _rules.Count; i++)
            {
                var invocation = new RuleInvocation(_engine, _state, _rules[i].Name);
                _engine.Call(_functions[i], JsValue.Undefined, [user, context, invocation.Callback]);
                _engine.Advanced.ProcessTasks();
                if (!invocation.Called || !(invocation.Error.IsNull() || invocation.Error.IsUndefined()))
                {
                    throw new InvalidOperationException($"{Engine}: rule '{_rules[i].Name}' did not allow ({invocation.Error})");
                }
                if (invocation.User.IsObject()) user = invocation.User;
                if (invocation.Context.IsObject()) context = invocation.Context;
            }
            return _rules.Count;
        }
        finally
        {
            _deadline?.End();
        }
    }

    // The impersonation markers as RuleRuntime sets them: read-only, on a non-extensible impersonator.
    private JsValue ToJsUser(LoginTransaction transaction)
    {
        var user = JsonBridge.ToJsObject(_engine, transaction.User);
        if (!transaction.IsImpersonated)
        {
            user.RemoveOwnProperty("impersonated");
            user.RemoveOwnProperty("impersonator");
            return user;
        }
        var impersonator = JsonBridge.ToJsObject(_engine, (JsonObject)transaction.User["impersonator"]!);
        impersonator.PreventExtensions();
        user.RemoveOwnProperty("impersonated");
        user.RemoveOwnProperty("impersonator");
        user.DefineOwnProperty("impersonated", new Jint.Runtime.Descriptors.PropertyDescriptor(JsBoolean.True, false, true, false));
        user.DefineOwnProperty("impersonator", new Jint.Runtime.Descriptors.PropertyDescriptor(impersonator, false, true, false));
        return user;
    }

    private JsObject CreateHostObject(CompiledRuleSet compiled)
    {
        var configuration = new JsObject(_engine);
        foreach (var (key, value) in compiled.RuleSet.Configuration)
        {
            configuration.FastSetDataProperty(key, new JsString(value));
        }
        var host = new JsObject(_engine);
        host.FastSetDataProperty("maxStringLength", JsNumber.Create(_options.MaxStringLength));
        host.FastSetDataProperty("maxBinaryBytes", JsNumber.Create(_options.MemoryLimitBytes));
        host.FastSetDataProperty("configuration", configuration);
        host.FastSetDataProperty("logAccepting", new ClrFunction(_engine, "logAccepting", (_, _) => _state.TryAcceptLog() ? JsBoolean.True : JsBoolean.False));
        host.FastSetDataProperty("log", new ClrFunction(_engine, "log", (_, args) =>
        {
            _state.AddRuleLog(args.Length > 0 ? args[0].ToString() : "");
            return JsValue.Undefined;
        }));
        host.FastSetDataProperty("updateMetadata", new ClrFunction(_engine, "updateMetadata", (_, args) =>
        {
            var kind = args[0].ToString() == "AppMetadata" ? MetadataKind.AppMetadata : MetadataKind.UserMetadata;
            _state.AddMetadataUpdate(kind, args[1].ToString(), JsonBridge.ToJson(args[2]) as JsonObject ?? []);
            return JsValue.Undefined;
        }));
        return host;
    }
}
