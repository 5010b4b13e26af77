using Jint;
using Jint.Native;
using Jint.Runtime.Interop;

namespace Rules.Engine.Runtime;

/// <summary>
/// One call of one rule: owns the <c>callback</c> that rule receives. A fresh callback per call means a
/// callback a rule kept from an earlier call (or login) can never complete this one.
/// </summary>
internal sealed class RuleInvocation : ICallInProgress
{
    private readonly LoginState _state;
    private readonly string _rule;

    public RuleInvocation(Jint.Engine engine, LoginState state, string rule)
    {
        _state = state;
        _rule = rule;
        Callback = new ClrFunction(engine, "callback", OnCallback, 3);
    }

    public ClrFunction Callback { get; }

    public bool Called { get; private set; }

    /// <summary>The first call of callback decides.</summary>
    public bool Finished => Called;

    public JsValue Error { get; private set; } = JsValue.Undefined;

    public JsValue User { get; private set; } = JsValue.Undefined;

    public JsValue Context { get; private set; } = JsValue.Undefined;

    private JsValue OnCallback(JsValue thisObject, JsValue[] arguments)
    {
        if (Called)
        {
            _state.AddSystemLog($"rule '{_rule}' called callback more than once; only the first call counts");
            return JsValue.Undefined;
        }

        Called = true;
        Error = arguments.Length > 0 ? arguments[0] : JsValue.Undefined;
        User = arguments.Length > 1 ? arguments[1] : JsValue.Undefined;
        Context = arguments.Length > 2 ? arguments[2] : JsValue.Undefined;
        return JsValue.Undefined;
    }
}
