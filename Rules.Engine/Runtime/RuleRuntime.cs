using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Acornima.Ast;
using Jint;
using Jint.Constraints;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;
using Rules.Engine.Compilation;
using Rules.Engine.Http;
using Rules.Engine.Pipeline;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Runtime;

/// <summary>
/// One warm Jint engine holding one rule-set version: built-ins frozen, rule functions loaded.
/// Not thread-safe (neither is Jint's Engine); <see cref="RuntimePool"/> hands each one to one login at a time.
/// A runtime that tripped a limit marks itself <see cref="Broken"/> and is never reused.
/// </summary>
internal sealed partial class RuleRuntime : IDisposable
{
    private static readonly Prepared<Script> Bootstrap = Jint.Engine.PrepareScript(ReadBootstrap(), "rules-runtime-bootstrap.js", strict: false);

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
        _engine = new Jint.Engine(ConfigureEngine);

        // Freezing every built-in takes far more statements than a rule budget allows; the budget is for rules.
        var statements = _engine.Constraints.Find<MaxStatementsConstraint>();
        statements?.MaxStatements = int.MaxValue - 1;
        var result = _engine.Evaluate(Bootstrap);
        var exports = _engine.Call(result, JsValue.Undefined, [CreateHostObject()]).AsObject();
        _unauthorizedErrorPrototype = exports.Get("unauthorizedErrorPrototype").AsObject();
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
        o.Constraint(_deadline);
        o.MaxStatements(_options.MaxStatements);
        o.LimitMemory(_options.MemoryLimitBytes);
        o.LimitRecursion(_options.MaxRecursionDepth);
        o.MaxArraySize(_options.MaxArraySize);
        o.RegexTimeoutInterval(_options.RegexTimeout);
        o.Constraints.StackOverflowGuard = true;
        o.Host.StringCompilationAllowed = false;
        o.AgentCanSuspend = false;
        o.Interop.Enabled = false;
        o.Modules.RegisterRequire = false;
        o.TimeSystem = _clock;
        o.TimeZone = TimeZoneInfo.Utc;
        o.Culture = CultureInfo.InvariantCulture;
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
        host.FastSetDataProperty("maxStringLength", JsNumber.Create(_options.MaxStringLength));
        host.FastSetDataProperty("maxBinaryBytes", JsNumber.Create(_options.MemoryLimitBytes));
        host.FastSetDataProperty("configuration", configuration);
        host.FastSetDataProperty("random", new ClrFunction(_engine, "random", (_, _) => JsNumber.Create(_random.NextDouble())));
        host.FastSetDataProperty("logAccepting", new ClrFunction(_engine, "logAccepting", (_, _) => _state.TryAcceptLog() ? JsBoolean.True : JsBoolean.False));
        host.FastSetDataProperty("log", new ClrFunction(_engine, "log", (_, args) =>
        {
            _state.AddRuleLog(args.Length > 0 ? args[0].ToString() : "");
            return JsValue.Undefined;
        }));
        host.FastSetDataProperty("auth0Global", new ClrFunction(_engine, "auth0Global", (_, args) =>
        {
            var value = _state.Auth0 is not { } globals ? null : args[0].ToString() switch
            {
                "domain" => globals.Domain,
                "baseUrl" => globals.BaseUrl,
                _ => globals.AccessToken,
            };
            return value is null ? JsValue.Undefined : new JsString(value);
        }));
        host.FastSetDataProperty("updateMetadata", new ClrFunction(_engine, "updateMetadata", (_, args) =>
        {
            var kind = args[0].ToString() == "AppMetadata" ? MetadataKind.AppMetadata : MetadataKind.UserMetadata;
            var metadata = JsonBridge.ToJson(args[2]) as JsonObject ?? [];
            _state.AddMetadataUpdate(kind, args[1].ToString(), metadata);
            return JsValue.Undefined;
        }));
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
                    return Denied(new Denial(DenialKind.RuleError, continueAction, "access_denied", GenericFailure(continueAction),
                        new RuleFailure($"the login continues after a redirect by '{continueAction}', which is not an action of this rule set")), transaction, started, timings, ran);
                }
                _state.Carry(options.CarriedMetadataUpdates);
            }

            for (var i = first; i < rules.Count; i++)
            {
                var rule = rules[i];
                _state.CurrentRule = rule.Name;
                var ruleStarted = Stopwatch.GetTimestamp();
                if (rule.Kind == RuleKind.Action)
                {
                    // An action returns nothing to pass on: it changes the login only through api, which writes to this context.
                    var continuing = i == first && options?.ContinueAction is not null;
                    var actionDenial = await InvokeActionAsync(rule, i, user, context, options?.FreshGlobal == true, continuing) ?? ReadMultifactor(rule, context, context);
                    timings[ran++] = new RuleTiming(rule.Name, Stopwatch.GetElapsedTime(ruleStarted).TotalMilliseconds);
                    var (actionRedirect, badActionRedirect) = actionDenial is null ? ReadRedirect(rule, context, transaction.Context) : (null, null);
                    if ((actionDenial ?? badActionRedirect) is { } stop)
                    {
                        return await FinishAsync(stop, transaction, user, context, started, timings, ran);
                    }
                    if (actionRedirect is not null)
                    {
                        return await FinishAsync(null, transaction, user, context, started, timings, ran, (rule.Name, actionRedirect));
                    }
                    continue;
                }

                var invocation = new RuleInvocation(_engine, _state, rule.Name);
                var denial = await InvokeAsync(rule, _functions[i], invocation, user, context);
                timings[ran++] = new RuleTiming(rule.Name, Stopwatch.GetElapsedTime(ruleStarted).TotalMilliseconds);
                if (denial is not null)
                {
                    return await FinishAsync(denial, transaction, user, context, started, timings, ran);
                }

                if (invocation.User is ObjectInstance nextUser && !ReferenceEquals(nextUser, user))
                {
                    user = ReprotectImpersonation(transaction, nextUser, (ObjectInstance)user);
                }
                var received = context;
                if (invocation.Context is ObjectInstance nextContext)
                {
                    context = nextContext;
                }
                if (RefusedEffect(rule, received, context, transaction.Context) is { } refused)
                {
                    return await FinishAsync(refused, transaction, user, context, started, timings, ran);
                }
                if (ReadMultifactor(rule, received, context) is { } multifactorDenial)
                {
                    return await FinishAsync(multifactorDenial, transaction, user, context, started, timings, ran);
                }

                // Auth0 acted on context.redirect once the rule called back; the rules after it run only after /continue.
                var (redirect, badRedirect) = ReadRedirect(rule, context, transaction.Context);
                if (badRedirect is not null)
                {
                    return await FinishAsync(badRedirect, transaction, user, context, started, timings, ran);
                }
                if (redirect is not null)
                {
                    return await FinishAsync(null, transaction, user, context, started, timings, ran, (rule.Name, redirect));
                }
            }

            return await FinishAsync(null, transaction, user, context, started, timings, ran);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Only reachable if building the rules' input failed: still a denial, never an escape.
            Broken = true;
            var denial = Classify(e, rules.Count > 0 ? rules[Math.Min(ran, rules.Count - 1)] : null);
            return Denied(denial, transaction, started, timings, ran);
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // Interrupted wherever it was (mid-rule, or with callbacks still queued): never hand this engine to another login.
                Broken = true;
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
            catch (Exception) when (!Broken)
            {
                Broken = true;
            }
        }
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
                if (await AwaitCallsAsync(rule, () => invocation.Called) is { } waitDenial)
                {
                    return waitDenial;
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var thrown = Classify(e, rule);
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
        return new Denial(DenialKind.Timeout, rule.Name, "access_denied",
            $"The login could not be completed: rule '{rule.Name}' did not call callback.",
            new RuleFailure($"rule '{rule.Name}' returned without calling callback, and nothing it started can still call it", rule.Source.File));
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

    private Denial Classify(Exception exception, CompiledRule? rule)
    {
        var name = rule?.Name ?? "";
        switch (exception)
        {
            case JavaScriptException js:
                return RuleError(rule, js);
            // Derives from TimeoutException, so it must come first.
            case RegexMatchTimeoutException:
                return LimitDenial(rule, "RegexTimeout", $"a regular expression ran longer than {_options.RegexTimeout.TotalMilliseconds:0} ms");
            case OperationCanceledException when _loginCancellation?.IsCancellationRequested == true:
                Broken = true;
                return new Denial(DenialKind.Timeout, name, "access_denied",
                    $"The login could not be completed in time (rule '{name}').",
                    new RuleFailure($"the login was cancelled by the host while rule '{name}' ran", rule?.Source.File));
            case TimeoutException:
            case OperationCanceledException:
                Broken = true;
                return new Denial(DenialKind.Timeout, name, "access_denied",
                    $"The login could not be completed in time (rule '{name}').",
                    new RuleFailure($"the login's time budget of {_options.TimeBudget.TotalSeconds:0.###} s ran out in rule '{name}'", rule?.Source.File, Limit: "TimeBudget"));
            case MemoryLimitExceededException memory when memory.Message.Contains("array size", StringComparison.OrdinalIgnoreCase):
                return LimitDenial(rule, "MaxArraySize", $"an array grew past {_options.MaxArraySize:N0} elements");
            case MemoryLimitExceededException:
                return LimitDenial(rule, "MemoryLimitBytes", $"the rule allocated more than {_options.MemoryLimitBytes:N0} bytes");
            case StatementsCountOverflowException:
                return LimitDenial(rule, "MaxStatements", $"the rule ran more than {_options.MaxStatements:N0} statements");
            case RecursionDepthOverflowException:
                return LimitDenial(rule, "MaxRecursionDepth", $"calls nested deeper than {_options.MaxRecursionDepth}");
            case OutcomeConversionException conversion:
                return new Denial(DenialKind.RuleError, name, "access_denied", GenericFailure(name),
                    new RuleFailure($"the values rules left on user or context cannot be read: {conversion.Message}", rule?.Source.File));
            default:
                Broken = true;
                return new Denial(DenialKind.RuleError, name, "access_denied", GenericFailure(name),
                    new RuleFailure($"the sandbox failed while running the rule ({exception.GetType().Name}: {exception.Message})", rule?.Source.File));
        }
    }

    private Denial LimitDenial(CompiledRule? rule, string limit, string what)
    {
        Broken = true;
        var name = rule?.Name ?? "";
        return new Denial(DenialKind.Limit, name, "access_denied",
            $"The login could not be completed: rule '{name}' exceeded a sandbox limit.",
            new RuleFailure($"sandbox limit {limit} tripped: {what}", rule?.Source.File, Limit: limit));
    }

    private Denial RuleError(CompiledRule? rule, JavaScriptException exception)
    {
        var name = rule?.Name ?? "";
        var message = DescribeThrown(exception);
        var (line, column) = LocateInRule(rule, exception);
        var file = rule?.Source.File;
        var source = line is { } ruleLine ? rule?.SourceLine(ruleLine) : null;

        var thrownAt = exception.Location;
        if (thrownAt.Start.Line > 0 && FindRule(thrownAt.SourceFile) is { } origin)
        {
            if (message.StartsWith("TypeError: ", StringComparison.Ordinal))
            {
                message = NodeStyleTypeErrors.Rewrite(origin, thrownAt.Start.Line, thrownAt.Start.Column, message);
            }
            if (!ReferenceEquals(origin, rule))
            {
                // A function one rule left on `global` failed while another rule called it: point at the failing code,
                // and say who called it.
                var caller = line is null ? "" : $" at {file}:{line}:{column}";
                message += $" (in code from rule '{origin.Name}', called by rule '{name}'{caller})";
                file = origin.Source.File;
                (line, column) = origin.ToAuthorPosition(thrownAt.Start.Line, thrownAt.Start.Column);
                source = origin.SourceLine(line.Value);
            }
        }
        string? limit = null;
        if (message.Contains("Maximum call stack size exceeded", StringComparison.Ordinal))
        {
            limit = "MaxRecursionDepth";
        }
        else if (LimitMention().Match(message) is { Success: true } mention)
        {
            limit = mention.Groups[1].Value;
        }

        var failure = new RuleFailure(message, file, line, column, source, limit);
        if (limit is not null)
        {
            Broken = true;
            return new Denial(DenialKind.Limit, name, "access_denied", $"The login could not be completed: rule '{name}' exceeded a sandbox limit.", failure);
        }
        return new Denial(DenialKind.RuleError, name, "access_denied", GenericFailure(name), failure);
    }

    private CompiledRule? FindRule(string? file)
    {
        foreach (var rule in _ruleSet.Enabled)
        {
            if (rule.Source.File == file)
            {
                return rule;
            }
        }
        return null;
    }

    private static string GenericFailure(string rule) => $"The login could not be completed: rule '{rule}' failed.";

    private static string DescribeThrown(JavaScriptException exception)
    {
        if (exception.Error is ObjectInstance error && !error.IsCallable())
        {
            var name = error.Get("name");
            var message = error.Get("message");
            if (message.IsString())
            {
                return name.IsString() && name.ToString().Length > 0 ? $"{name}: {message}" : message.ToString();
            }
        }
        if (exception.Error.IsString())
        {
            return exception.Error.ToString();
        }

        // `throw { code: 1 }` or `throw 42`: show the value itself, as a console would.
        try
        {
            return "Uncaught " + (JsonBridge.ToJson(exception.Error)?.ToJsonString() ?? exception.Error.ToString());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return "Uncaught " + exception.Error.Type.ToString().ToLowerInvariant();
        }
    }

    /// <summary>Finds where in the author's file the error happened: the throw site, or the innermost stack frame in the rule's file.</summary>
    private static (int? Line, int? Column) LocateInRule(CompiledRule? rule, JavaScriptException exception)
    {
        if (rule is null)
        {
            return (null, null);
        }

        var location = exception.Location;
        if (location.SourceFile == rule.Source.File && location.Start.Line > 0)
        {
            var (line, column) = rule.ToAuthorPosition(location.Start.Line, location.Start.Column);
            return (line, column);
        }

        var stack = exception.JavaScriptStackTrace;
        if (stack is not null)
        {
            var marker = rule.Source.File + ":";
            var at = stack.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                var match = StackPosition().Match(stack, at + marker.Length);
                if (match.Success && match.Index == at + marker.Length)
                {
                    var line = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                    var column = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                    return rule.ToAuthorPosition(line, column - 1);
                }
            }
        }
        return (null, null);
    }

    [GeneratedRegex(@"(\d+):(\d+)")]
    private static partial Regex StackPosition();

    [GeneratedRegex(@"\(sandbox limit (\w+)\)")]
    private static partial Regex LimitMention();

    private static string ReadBootstrap()
    {
        using var stream = typeof(RuleRuntime).Assembly.GetManifestResourceStream("Rules.Engine.Runtime.Bootstrap.js")
            ?? throw new InvalidOperationException("embedded resource Bootstrap.js is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public void Dispose() => _engine.Dispose();
}
