using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Rules.Engine.Compilation;

namespace Rules.Engine.Runtime;

// Actions-style files (exports.onExecutePostLogin): the event and api are built in Bootstrap/40-actions-api.js; this side loads the
// module, calls the handler, and turns how it settled, and what it asked of api, into a denial or nothing.
internal sealed partial class RuleRuntime
{
    private JsValue _loadAction = JsValue.Undefined;
    private JsValue _runAction = JsValue.Undefined;
    private JsValue?[] _actionHandlers = [];
    private ActionInvocation _action = null!;

    private void AddActionHost(JsObject host)
    {
        _action = new ActionInvocation(_engine, _state, RuleError);
        host.FastSetDataProperty(BootstrapHost.ActionCall, _action.Call);
        var events = new ActionEvent(_engine, host.Get(BootstrapHost.Configuration).AsObject() as JsObject ?? throw new InvalidOperationException("host.configuration is set first"));
        host.SetFunction(_engine, BootstrapHost.ActionEvent, (_, args) => events.TryBuild(args[0], args[1]) ?? JsValue.Undefined);
        host.SetFunction(_engine, BootstrapHost.ActionSettled, _action.OnSettled);
        host.SetFunction(_engine, BootstrapHost.ActionDeny, _action.OnDeny);
        host.SetFunction(_engine, BootstrapHost.ActionUnsupported, _action.OnUnsupported);
        host.SetFunction(_engine, BootstrapHost.ActionMetadata, _action.OnMetadata);
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
        _loadAction = exports.Get(BootstrapHost.Exports.LoadAction);
        _runAction = exports.Get(BootstrapHost.Exports.RunAction);
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
        var action = _action;
        action.Begin(rule);
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

            action.Enter(user, context);
            _engine.Call(_runAction, JsValue.Undefined, [handler, user, context, continuing ? JsBoolean.True : JsBoolean.False]);
            _engine.Advanced.ProcessTasks();
            if (_pending.Count > 0 || _httpLimit is not null)
            {
                if (await AwaitCallsAsync(rule, action) is { } waitDenial)
                {
                    return waitDenial;
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failure that discards the runtime (a limit, the deadline) is what the author needs to see even when the
            // action had already asked to deny. Otherwise an earlier deny or unsupported call stands.
            var failure = Classify(e, rule);
            return Broken ? failure : action.Denial ?? failure;
        }
        finally
        {
            action.Leave();
        }

        if (action.Denial is not null)
        {
            return action.Denial;
        }
        if (action.Settled)
        {
            return action.Fulfilled ? null : RuleError(rule, new JavaScriptException(action.Rejection));
        }
        if (_unhandledRejections.Count > 0)
        {
            return RuleError(rule, new JavaScriptException(_unhandledRejections[0].Reason));
        }

        // Nothing is left to run (no timers, no I/O), so a promise still pending now never settles.
        return FailureClassifier.ActionNeverSettled(rule);
    }
}
