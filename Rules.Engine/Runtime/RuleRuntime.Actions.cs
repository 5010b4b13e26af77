using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Interop;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Runtime;

// Actions-style files (exports.onExecutePostLogin): the event and api are built in Bootstrap.js; this side loads the
// module, calls the handler, and turns how it settled, and what it asked of api, into a denial or nothing.
internal sealed partial class RuleRuntime
{
    private JsValue _loadAction = JsValue.Undefined;
    private JsValue _runAction = JsValue.Undefined;
    private JsObject _actionCall = null!;
    private JsValue?[] _actionHandlers = [];

    // The action call in progress; reset by BeginActionCall.
    private bool _actionSettled;
    private bool _actionFulfilled;
    private JsValue _actionRejection = JsValue.Undefined;
    private Denial? _actionDenial;
    private CompiledRule? _actionRule;

    private void AddActionHost(JsObject host)
    {
        _actionCall = new JsObject(_engine);
        host.FastSetDataProperty("actionCall", _actionCall);
        host.FastSetDataProperty("actionSettled", new ClrFunction(_engine, "actionSettled", (_, args) =>
        {
            _actionSettled = true;
            _actionFulfilled = args.Length > 0 && args[0].Equals(JsBoolean.True);
            _actionRejection = args.Length > 1 ? args[1] : JsValue.Undefined;
            return JsValue.Undefined;
        }));
        host.FastSetDataProperty("actionDeny", new ClrFunction(_engine, "actionDeny", (_, args) =>
        {
            var rule = _actionRule!;
            var reason = args.Length > 0 ? args[0].ToString() : "";
            // Auth0: the action finishes, then the login stops; the first reason given is the one shown.
            _actionDenial ??= new Denial(DenialKind.RuleDenied, rule.Name, "access_denied",
                reason.Length > 0 ? reason : DenialDescriptions.RuleDeniedWithoutMessage(rule.Name), null);
            return JsValue.Undefined;
        }));
        host.FastSetDataProperty("actionUnsupported", new ClrFunction(_engine, "actionUnsupported", (_, args) =>
        {
            // Located like a throw (file:line:col of the call), whether or not the action lets the error escape.
            _actionDenial ??= RuleError(_actionRule, new JavaScriptException(args.Length > 0 ? args[0] : JsValue.Undefined));
            return JsValue.Undefined;
        }));
        host.FastSetDataProperty("actionMetadata", new ClrFunction(_engine, "actionMetadata", (_, args) =>
        {
            var kind = args[0].ToString() == "AppMetadata" ? MetadataKind.AppMetadata : MetadataKind.UserMetadata;
            _state.SetMetadataKey(kind, args[1].ToString(), args[2].ToString(), JsonBridge.ToJson(args[3]));
            return JsValue.Undefined;
        }));
    }

    private int IndexOfAction(string name)
    {
        var rules = _ruleSet.Enabled;
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i].Name == name && rules[i].Kind == RuleKind.Action)
            {
                return i;
            }
        }
        return -1;
    }

    private void ReadActionExports(ObjectInstance exports)
    {
        _loadAction = exports.Get("loadAction");
        _runAction = exports.Get("runAction");
        _actionHandlers = new JsValue?[_ruleSet.Enabled.Count];
    }

    /// <summary>
    /// Calls one action's handler. Its module is evaluated on the runtime's first call (under the login's limits, so
    /// top-level code cannot hang a runtime build) and kept warm; on replay (<paramref name="freshModule"/>) it is
    /// evaluated again, so no module state carries over from another record.
    /// </summary>
    /// <param name="continuing">Call the action's <c>onContinuePostLogin</c>: this run continues the login it suspended with a redirect.</param>
    private async ValueTask<Denial?> InvokeActionAsync(CompiledRule rule, int index, JsValue user, JsValue context, bool freshModule, bool continuing = false)
    {
        _unhandledRejections.Clear();
        _actionSettled = false;
        _actionFulfilled = false;
        _actionRejection = JsValue.Undefined;
        _actionDenial = null;
        _actionRule = rule;
        try
        {
            var handler = freshModule ? null : _actionHandlers[index];
            if (handler is null)
            {
                handler = _engine.Call(_loadAction, JsValue.Undefined, [_functions[index]]);
                if (!freshModule)
                {
                    _actionHandlers[index] = handler;
                }
            }

            _actionCall.FastSetDataProperty("user", user);
            _actionCall.FastSetDataProperty("context", context);
            _engine.Call(_runAction, JsValue.Undefined, [handler, user, context, continuing ? JsBoolean.True : JsBoolean.False]);
            _engine.Advanced.ProcessTasks();
            if (_pending.Count > 0 || _httpLimit is not null)
            {
                if (await AwaitCallsAsync(rule, () => _actionSettled || _actionDenial is not null) is { } waitDenial)
                {
                    return waitDenial;
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Classify also marks the runtime broken after a limit or timeout; that failure is what the author needs to
            // see even when the action had already asked to deny. Otherwise an earlier deny or unsupported call stands.
            var failure = Classify(e, rule);
            return Broken ? failure : _actionDenial ?? failure;
        }
        finally
        {
            _actionCall.FastSetDataProperty("user", JsValue.Undefined);
            _actionCall.FastSetDataProperty("context", JsValue.Undefined);
        }

        if (_actionDenial is not null)
        {
            return _actionDenial;
        }
        if (_actionSettled)
        {
            return _actionFulfilled ? null : RuleError(rule, new JavaScriptException(_actionRejection));
        }
        if (_unhandledRejections.Count > 0)
        {
            return RuleError(rule, new JavaScriptException(_unhandledRejections[0].Reason));
        }

        // Nothing is left to run (no timers, no I/O), so a promise still pending now never settles.
        return new Denial(DenialKind.Timeout, rule.Name, "access_denied",
            $"The login could not be completed: rule '{rule.Name}' did not finish.",
            new RuleFailure($"onExecutePostLogin in '{rule.Name}' returned a promise that can never settle (it awaits something nothing will resolve)", rule.Source.File));
    }
}
