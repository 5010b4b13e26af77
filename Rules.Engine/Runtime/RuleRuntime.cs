using System.Diagnostics;
using System.Text.Json.Nodes;
using Jint;
using Jint.Constraints;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Rules.Engine.Compilation;
using Rules.Engine.Http;
using Rules.Engine.Pipeline;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Runtime;

/// <summary>
/// One warm Jint engine holding one rule-set version: built-ins frozen, rule functions loaded.
/// Not thread-safe (neither is Jint's Engine); <see cref="RuntimePool"/> hands each one to one login at a time.
/// A runtime that tripped a limit marks itself <see cref="Broken"/> and is never reused; <see cref="FailureClassifier"/> decides which failures do.
/// </summary>
internal sealed partial class RuleRuntime : IDisposable
{
    private readonly CompiledRuleSet _ruleSet;
    private readonly SandboxOptions _options;
    private readonly Jint.Engine _engine;
    private readonly OperationDeadlineConstraint _deadline = new();
    private readonly RuleClock _clock = new();
    private readonly SeededRandom _random = new();
    private readonly LoginState _state;
    private readonly JsValue[] _functions;
    private readonly ObjectInstance _unauthorizedErrorPrototype;
    private readonly GlobalSnapshot _snapshot;
    private readonly RuntimeInstrumentation? _instrumentation;
    private readonly TokenClaimsLimit _claimsLimit;
    private readonly FailureClassifier _failures;

    public RuleRuntime(CompiledRuleSet ruleSet)
        : this(ruleSet, null)
    {
    }

    /// <param name="instrumentation">Test-only hooks (coverage); the pool never passes any, so logins never pay for them.</param>
    internal RuleRuntime(CompiledRuleSet ruleSet, RuntimeInstrumentation? instrumentation)
    {
        _instrumentation = instrumentation;
        _ruleSet = ruleSet;
        _options = ruleSet.Options;
        _state = new LoginState(_options.MaxLogEntries, _options.MaxLogEntryLength);
        _claimsLimit = new TokenClaimsLimit(_options.MaxTokenClaimsBytes);
        _failures = new FailureClassifier(ruleSet);
        _engine = new Jint.Engine(ConfigureEngine);

        // Freezing every built-in takes far more statements than a rule budget allows; the budget is for rules.
        var statements = _engine.Constraints.Find<MaxStatementsConstraint>();
        statements?.MaxStatements = int.MaxValue - 1;
        var exports = RuntimeBootstrap.Run(_engine, CreateHostObject());
        _unauthorizedErrorPrototype = exports.Get(BootstrapHost.Exports.UnauthorizedErrorPrototype).AsObject();
        ReadActionExports(exports);

        _functions = new JsValue[ruleSet.Enabled.Count];
        for (var i = 0; i < _functions.Length; i++)
        {
            _functions[i] = _engine.Evaluate(ruleSet.Enabled[i].Script);
        }
        statements?.MaxStatements = _options.MaxStatements;

        _snapshot = _engine.Advanced.CaptureGlobalSnapshot();
        _instrumentation?.Attach(_engine);
        _engine.Advanced.PromiseRejectionTracker += TrackRejection;
    }

    private readonly List<(JsValue Promise, JsValue Reason)> _unhandledRejections = [];

    // The rule this login ran last (a continued login may not start at the first): the claims limit names it.
    private CompiledRule? _lastRule;

    private void TrackRejection(object? sender, PromiseRejectionTrackerEventArgs e)
    {
        if (e.Operation == Jint.Native.Promise.PromiseRejectionOperation.Reject)
        {
            _unhandledRejections.Add((e.Promise, e.Value ?? JsValue.Undefined));
        }
        else
        {
            _unhandledRejections.RemoveAll(r => ReferenceEquals(r.Promise, e.Promise));
        }
    }

    public bool Broken { get; private set; }

    public CompiledRuleSet RuleSet => _ruleSet;

    private void ConfigureEngine(Options o)
    {
        // Registered first, so the deadline is checked before the other constraints.
        o.Constraint(_deadline);
        o.RulesSandbox(_options, _clock);
        _instrumentation?.Configure(o);
    }

    private JsObject CreateHostObject()
    {
        var configuration = new JsObject(_engine);
        foreach (var (key, value) in _ruleSet.RuleSet.Configuration)
        {
            configuration.FastSetDataProperty(key, new JsString(value));
        }

        var host = new JsObject(_engine);
        host.FastSetDataProperty(BootstrapHost.MaxStringLength, JsNumber.Create(_options.MaxStringLength));
        host.FastSetDataProperty(BootstrapHost.MaxBinaryBytes, JsNumber.Create(_options.MemoryLimitBytes));
        host.FastSetDataProperty(BootstrapHost.Configuration, configuration);
        var unavailable = new JsObject(_engine);
        foreach (var global in UnavailableGlobals.All)
        {
            if (global.Installed)
            {
                unavailable.FastSetDataProperty(global.Name, new JsString(global.Reason));
            }
        }
        host.FastSetDataProperty(BootstrapHost.UnavailableGlobals, unavailable);
        host.SetFunction(_engine, BootstrapHost.Random, (_, _) => JsNumber.Create(_random.NextDouble()));
        host.SetFunction(_engine, BootstrapHost.LogAccepting, (_, _) => _state.TryAcceptLog() ? JsBoolean.True : JsBoolean.False);
        host.SetFunction(_engine, BootstrapHost.Log, (_, args) =>
        {
            _state.AddRuleLog(args.Length > 0 ? args[0].ToString() : "");
            return JsValue.Undefined;
        });
        host.SetFunction(_engine, BootstrapHost.Auth0Global, (_, args) =>
        {
            var value = _state.Auth0 is not { } globals ? null : args[0].ToString() switch
            {
                "domain" => globals.Domain,
                "baseUrl" => globals.BaseUrl,
                _ => globals.AccessToken,
            };
            return value is null ? JsValue.Undefined : new JsString(value);
        });
        host.SetFunction(_engine, BootstrapHost.UpdateMetadata, (_, args) =>
        {
            var kind = args[0].ToString() == "AppMetadata" ? MetadataKind.AppMetadata : MetadataKind.UserMetadata;
            var metadata = JsonBridge.ToJson(args[2]) as JsonObject ?? [];
            _state.AddMetadataUpdate(kind, args[1].ToString(), metadata);
            return JsValue.Undefined;
        });
        AddActionHost(host);
        AddModuleHost(host);
        AddRedirectHost(host);
        AddHttpHost(host);
        return host;
    }

    /// <summary>Runs every enabled rule in order against one login. Never throws: every failure is a denial.</summary>
    /// <remarks>A login whose rules make HTTP calls blocks this thread while they run; hosts call <see cref="RunAsync"/>.</remarks>
    public Outcome Run(LoginTransaction transaction, ExecutionOptions? options = null, IRuleHttpTransport? http = null)
    {
        var run = RunAsync(transaction, options, http, CancellationToken.None);
        return run.IsCompletedSuccessfully ? run.Result : run.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Runs every enabled rule in order against one login. Completes synchronously unless a rule waits on an HTTP call;
    /// then it holds no thread until the call finishes. Never throws: every failure is a denial.
    /// </summary>
    public async ValueTask<Outcome> RunAsync(LoginTransaction transaction, ExecutionOptions? options, IRuleHttpTransport? http, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var rules = _ruleSet.Enabled;
        var timings = new RuleTiming[rules.Count];
        var ran = 0;
        _state.Reset();
        _lastRule = null;
        _redirectState = null;
        _state.Auth0 = options?.Auth0;
        _multifactor = null;
        _clock.FixedNow = transaction.Now;
        _random.Seed(options?.RandomSeed);
        if (options?.FreshGlobal == true)
        {
            // The bootstrap makes the `global` binding read-only to rules; the host may still swap the object
            // behind it. The snapshot restore after the login puts the runtime's own cache back.
            _engine.Global.FastSetProperty("global", new PropertyDescriptor(new JsObject(_engine), PropertyFlag.None));
        }
        // The caller's token reaches Jint's deadline, so a cancelled login stops mid-rule, not only while it waits on HTTP.
        _deadline.Begin(_options.TimeBudget, cancellationToken);
        BeginHttp(options, http, cancellationToken);
        try
        {
            JsValue user = ToJsUser(transaction);
            JsValue context = ToJsContext(transaction.Context);
            var first = 0;
            if (options?.ContinueAction is { } continueAction)
            {
                first = IndexOfAction(continueAction);
                if (first < 0)
                {
                    return Denied(FailureClassifier.UnknownContinueAction(continueAction), transaction, started, timings, ran);
                }
                _state.Carry(options.CarriedMetadataUpdates);
            }

            // One clock read per rule: a rule's time runs until the next one starts, so it includes the pipeline's checks
            // of what the rule asked for (ReadRequests), which are that rule's cost too.
            var ruleStarted = Stopwatch.GetTimestamp();
            for (var i = first; i < rules.Count; i++)
            {
                var rule = rules[i];
                _state.CurrentRule = rule.Name;
                _lastRule = rule;
                var received = context;
                Denial? denial;
                if (rule.Kind == RuleKind.Action)
                {
                    // An action returns nothing to pass on: it changes the login only through api, which writes to this context.
                    var continuing = i == first && options?.ContinueAction is not null;
                    denial = await InvokeActionAsync(rule, i, user, context, options?.FreshGlobal == true, continuing);
                }
                else
                {
                    var invocation = new RuleInvocation(_engine, _state, rule.Name);
                    denial = await InvokeAsync(rule, _functions[i], invocation, user, context);
                    if (denial is null)
                    {
                        if (invocation.User is ObjectInstance nextUser && !ReferenceEquals(nextUser, user))
                        {
                            user = ReprotectImpersonation(transaction, nextUser, (ObjectInstance)user);
                        }
                        if (invocation.Context is ObjectInstance nextContext)
                        {
                            context = nextContext;
                        }
                    }
                }
                RedirectRequest? redirect = null;
                denial ??= ReadRequests(rule, received, context, transaction.Context, out redirect);
                var ruleEnded = Stopwatch.GetTimestamp();
                timings[ran++] = new RuleTiming(rule.Name, Stopwatch.GetElapsedTime(ruleStarted, ruleEnded).TotalMilliseconds);
                ruleStarted = ruleEnded;
                if (denial is not null)
                {
                    return await FinishAsync(denial, transaction, user, context, started, timings, ran);
                }
                if (redirect is not null)
                {
                    // Auth0 acted on context.redirect once the rule called back; the rules after it run only after /continue.
                    return await FinishAsync(null, transaction, user, context, started, timings, ran, (rule.Name, redirect));
                }
            }

            return await FinishAsync(null, transaction, user, context, started, timings, ran);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Only reachable if building the rules' input failed: still a denial, never an escape.
            var denial = Fail(_failures.InputFailed(e, rules.Count > 0 ? rules[Math.Min(ran, rules.Count - 1)] : null));
            return Denied(denial, transaction, started, timings, ran);
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // Interrupted wherever it was (mid-rule, or with callbacks still queued): never hand this engine to another login.
                Fail(FailureClassifier.Cancelled(null));
            }
            EndHttp();
            _deadline.End();
            _clock.FixedNow = null;
            _random.Seed(null);
            try
            {
                // Drops globals a sloppy rule created by accident and any promise jobs still queued.
                _engine.Advanced.RestoreGlobalSnapshot(_snapshot);
            }
            catch (Exception e) when (!Broken)
            {
                Fail(FailureClassifier.StateNotRestored(e));
            }
        }
    }

    /// <summary>
    /// What an entry that succeeded asked of the login through the context it received and the one it passed on, in
    /// order: an effect this server refuses (rules only; an action has no way to set one), a second factor, a redirect.
    /// A denial when one of them cannot be carried out; otherwise <paramref name="redirect"/> when the login suspends.
    /// </summary>
    private Denial? ReadRequests(CompiledRule rule, JsValue received, JsValue passedOn, JsonObject input, out RedirectRequest? redirect)
    {
        redirect = null;
        if ((rule.Kind == RuleKind.Action ? null : RefusedEffect(rule, received, passedOn, input)) is { } refused)
        {
            return refused;
        }
        if (ReadMultifactor(rule, received, passedOn) is { } multifactor)
        {
            return multifactor;
        }
        (redirect, var badRedirect) = ReadRedirect(rule, passedOn, input);
        return badRedirect;
    }

    private async ValueTask<Denial?> InvokeAsync(CompiledRule rule, JsValue function, RuleInvocation invocation, JsValue user, JsValue context)
    {
        _unhandledRejections.Clear();
        try
        {
            _engine.Call(function, JsValue.Undefined, [user, context, invocation.Callback]);
            _engine.Advanced.ProcessTasks();
            if (_pending.Count > 0 || _httpLimit is not null)
            {
                if (await AwaitCallsAsync(rule, invocation) is { } waitDenial)
                {
                    return waitDenial;
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var thrown = Classify(e, rule);
            // Broken: the classifier decided this failure discards the runtime (a limit, the deadline, the sandbox).
            if (!invocation.Called || thrown.Kind != DenialKind.RuleError || Broken)
            {
                return thrown;
            }
            // As in Node (and so in Auth0), the first call of callback decides: a script error thrown after it is
            // logged, not fatal. Limits and sandbox failures still deny, whenever they happen.
            _state.AddSystemLog($"rule '{rule.Name}' threw after calling callback, which had already decided: {thrown.Failure}");
        }

        if (invocation.Called)
        {
            return invocation.Error.IsNull() || invocation.Error.IsUndefined() ? null : RuleDenied(rule, invocation.Error);
        }

        // An async rule that throws, or a .then() callback that throws, rejects a promise nobody handles;
        // that error, not a bare "did not call back", is what the author needs to see.
        if (_unhandledRejections.Count > 0)
        {
            return RuleError(rule, new JavaScriptException(_unhandledRejections[0].Reason));
        }

        // Rules have no timers and no I/O, so once the job queue is empty nothing can ever call back:
        // deny now instead of holding the login for the rest of its budget.
        return FailureClassifier.DidNotCallBack(rule);
    }

    private Denial RuleDenied(CompiledRule rule, JsValue error)
    {
        var unauthorized = error is ObjectInstance obj && InheritsFrom(obj, _unauthorizedErrorPrototype);
        var description = error switch
        {
            JsString text => text.ToString(),
            ObjectInstance errorObject when ReadMessage(errorObject) is { Length: > 0 } message => message,
            _ => DenialDescriptions.RuleDeniedWithoutMessage(rule.Name),
        };
        return new Denial(DenialKind.RuleDenied, rule.Name, unauthorized ? "unauthorized" : "access_denied", description, null);
    }

    private static string? ReadMessage(ObjectInstance error)
    {
        var message = error.Get("message");
        return message.IsString() ? message.ToString() : null;
    }

    private static bool InheritsFrom(ObjectInstance obj, ObjectInstance prototype)
    {
        for (var current = obj.Prototype; current is not null; current = current.Prototype)
        {
            if (ReferenceEquals(current, prototype)) return true;
        }
        return false;
    }

    /// <summary>Classifies a failure and acts on it: the only place a runtime marks itself <see cref="Broken"/>.</summary>
    private Denial Fail(RuntimeFault fault)
    {
        if (fault.DiscardRuntime)
        {
            Broken = true;
        }
        return fault.Denial;
    }

    private Denial Classify(Exception exception, CompiledRule? rule) =>
        Fail(_failures.Classify(exception, rule, loginCancelled: _loginCancellation?.IsCancellationRequested == true));

    private Denial RuleError(CompiledRule? rule, JavaScriptException exception) => Fail(_failures.RuleError(rule, exception));

    public void Dispose() => _engine.Dispose();
}
