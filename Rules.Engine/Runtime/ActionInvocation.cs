using Jint.Native;
using Jint.Runtime;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Runtime;

/// <summary>
/// The action call in progress (an Actions-style <c>onExecutePostLogin</c>), as <see cref="RuleInvocation"/> is for a rule:
/// what the handler's promise settled to, and what it asked of <c>api</c>. One per runtime, begun for each call: the
/// bootstrap's single frozen <c>api</c> reports here through the <c>host.action*</c> functions (<see cref="BootstrapHost"/>).
/// </summary>
internal sealed class ActionInvocation : ICallInProgress
{
    private readonly LoginState _state;
    private readonly Func<CompiledRule?, JavaScriptException, Denial> _ruleError;
    private CompiledRule? _rule;

    /// <param name="ruleError">The runtime's classification of a thrown error, which also discards the runtime after a limit.</param>
    public ActionInvocation(Jint.Engine engine, LoginState state, Func<CompiledRule?, JavaScriptException, Denial> ruleError)
    {
        _state = state;
        _ruleError = ruleError;
        Call = new JsObject(engine);
    }

    /// <summary><c>host.actionCall</c>: the user and context <c>api</c> acts on, set only while the handler runs.</summary>
    public JsObject Call { get; }

    /// <summary>The handler's promise settled (the bootstrap attaches the reactions); <see cref="Fulfilled"/> says how.</summary>
    public bool Settled { get; private set; }

    public bool Fulfilled { get; private set; }

    public JsValue Rejection { get; private set; } = JsValue.Undefined;

    /// <summary>The first denial the action asked for (<c>api.access.deny</c>) or earned (an unsupported <c>api</c> call).</summary>
    public Denial? Denial { get; private set; }

    /// <summary>Nothing more can change the outcome of this call.</summary>
    public bool Finished => Settled || Denial is not null;

    /// <summary>Forgets the previous call. The module may still be loaded after this, before <see cref="Enter"/>.</summary>
    public void Begin(CompiledRule rule)
    {
        _rule = rule;
        Settled = false;
        Fulfilled = false;
        Rejection = JsValue.Undefined;
        Denial = null;
    }

    /// <summary>Hands <c>api</c> the call's user and context: from here on its methods act on this login.</summary>
    public void Enter(JsValue user, JsValue context)
    {
        Call.FastSetDataProperty("user", user);
        Call.FastSetDataProperty("context", context);
    }

    /// <summary>An <c>api</c> kept past its call (in <c>global</c>, say) can change nothing.</summary>
    public void Leave()
    {
        Call.FastSetDataProperty("user", JsValue.Undefined);
        Call.FastSetDataProperty("context", JsValue.Undefined);
    }

    /// <summary><c>host.actionSettled(fulfilled, reason)</c>.</summary>
    public JsValue OnSettled(JsValue thisObject, JsValue[] args)
    {
        Settled = true;
        Fulfilled = args.Length > 0 && args[0].Equals(JsBoolean.True);
        Rejection = args.Length > 1 ? args[1] : JsValue.Undefined;
        return JsValue.Undefined;
    }

    /// <summary><c>host.actionDeny(reason)</c>: Auth0 lets the action finish, then stops the login; the first reason given is the one shown.</summary>
    public JsValue OnDeny(JsValue thisObject, JsValue[] args)
    {
        var rule = _rule!;
        var reason = args.Length > 0 ? args[0].ToString() : "";
        Denial ??= new Denial(DenialKind.RuleDenied, rule.Name, "access_denied",
            reason.Length > 0 ? reason : DenialDescriptions.RuleDeniedWithoutMessage(rule.Name), null);
        return JsValue.Undefined;
    }

    /// <summary><c>host.actionUnsupported(error)</c>: located like a throw (file:line:col of the call), whether or not the action lets the error escape.</summary>
    public JsValue OnUnsupported(JsValue thisObject, JsValue[] args)
    {
        Denial ??= _ruleError(_rule, new JavaScriptException(args.Length > 0 ? args[0] : JsValue.Undefined));
        return JsValue.Undefined;
    }

    /// <summary><c>host.actionMetadata(kind, userId, key, value)</c>: <c>api.user.setAppMetadata</c> and <c>setUserMetadata</c>.</summary>
    public JsValue OnMetadata(JsValue thisObject, JsValue[] args)
    {
        var kind = args[0].ToString() == "AppMetadata" ? MetadataKind.AppMetadata : MetadataKind.UserMetadata;
        _state.SetMetadataKey(kind, args[1].ToString(), args[2].ToString(), JsonBridge.ToJson(args[3]));
        return JsValue.Undefined;
    }
}
