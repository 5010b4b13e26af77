using Jint.Native;
using Jint.Runtime.Interop;

namespace Rules.Engine.Runtime;

/// <summary>
/// The <c>host</c> object the C# side hands to every bootstrap file (Runtime/Bootstrap/*.js): every name the scripts
/// read from it, with its shape. The bootstrap keeps what it needs in closures before the built-ins are frozen, so
/// rules never see <c>host</c> itself. A host function never throws into a rule; one that can refuse returns
/// <c>{ problem }</c> or <c>{ value }</c> and the bootstrap throws. Adding a name: a constant here, the value in
/// <see cref="RuleRuntime"/>'s <c>CreateHostObject</c> (or its partial for the feature), and docs/runtime.md.
/// </summary>
internal static class BootstrapHost
{
    // ---- limits and configuration (values) -----------------------------------------------------------------------

    /// <summary>Number: <see cref="Sandbox.SandboxOptions.MaxStringLength"/>, the cap of the guarded string built-ins.</summary>
    public const string MaxStringLength = "maxStringLength";

    /// <summary>Number: the memory limit, the cap of one binary buffer the guarded constructors allocate.</summary>
    public const string MaxBinaryBytes = "maxBinaryBytes";

    /// <summary>Object: the rule set's configuration (the rules' <c>configuration</c> global and the action's <c>event.secrets</c>).</summary>
    public const string Configuration = "configuration";

    /// <summary>Object, name → reason: the timer globals a rule may call but that cannot work here (<see cref="Sandbox.UnavailableGlobals"/>).</summary>
    public const string UnavailableGlobals = "unavailableGlobals";

    // ---- rule globals ----------------------------------------------------------------------------------------------

    /// <summary><c>random()</c> → number in [0, 1): <c>Math.random</c>, seeded per login on replay.</summary>
    public const string Random = "random";

    /// <summary><c>logAccepting()</c> → boolean: false once the login's log is full, so <c>console.log</c> formats nothing.</summary>
    public const string LogAccepting = "logAccepting";

    /// <summary><c>log(text)</c>: one <c>console.*</c> line for the outcome's logs.</summary>
    public const string Log = "log";

    /// <summary><c>auth0Global(name)</c> → string | undefined: <c>auth0.domain</c>, <c>baseUrl</c>, <c>accessToken</c> for this login.</summary>
    public const string Auth0Global = "auth0Global";

    /// <summary><c>updateMetadata(kind, userId, metadata)</c>: <c>auth0.users.updateAppMetadata</c> / <c>updateUserMetadata</c>; kind is "AppMetadata" or "UserMetadata".</summary>
    public const string UpdateMetadata = "updateMetadata";

    // ---- require (RuleRuntime.Modules.cs) -------------------------------------------------------------------------

    /// <summary>Number: the module id of the <c>buffer</c> package, behind the lazy <c>Buffer</c> global.</summary>
    public const string BufferModule = "bufferModule";

    /// <summary><c>resolveModule(fromId, specifier)</c> → module id, or -1 when the compiler did not resolve it (fromId -1: a rule).</summary>
    public const string ResolveModule = "resolveModule";

    /// <summary><c>moduleName(id)</c> → the module's display name (its <c>module.id</c> and <c>__filename</c>).</summary>
    public const string ModuleName = "moduleName";

    /// <summary><c>moduleFactory(id)</c> → the module's CommonJS wrapper function, evaluated from its prepared script.</summary>
    public const string ModuleFactory = "moduleFactory";

    /// <summary><c>moduleNative(id)</c> → the native binding of the module's package (built once per runtime), or undefined.</summary>
    public const string ModuleNative = "moduleNative";

    // ---- outbound HTTP (RuleRuntime.Http.cs) ----------------------------------------------------------------------

    /// <summary>Object: <c>kit(send)</c>, <c>names</c>, and one facade factory per HTTP module name (Http/Facades).</summary>
    public const string HttpFactories = "httpFactories";

    /// <summary><c>httpSend(request, settle)</c> → undefined or a failure object: starts one outbound call; <c>settle(error, response)</c> runs when it ends.</summary>
    public const string HttpSend = "httpSend";

    // ---- redirects (RuleRuntime.Redirect.cs) ----------------------------------------------------------------------

    /// <summary><c>redirectWithQuery(url, query)</c> → string: <c>api.redirect.sendUserTo</c>'s url with the query added.</summary>
    public const string RedirectWithQuery = "redirectWithQuery";

    /// <summary><c>encodeRedirectToken(secret, payload, expiresInSeconds, defaults)</c> → { value } | { problem }.</summary>
    public const string EncodeRedirectToken = "encodeRedirectToken";

    /// <summary><c>validateRedirectToken(secret, token, state)</c> → { value } | { problem }.</summary>
    public const string ValidateRedirectToken = "validateRedirectToken";

    // ---- the Actions api (ActionInvocation) -----------------------------------------------------------------------

    /// <summary>Object { user, context }: the action call in progress, empty between calls.</summary>
    public const string ActionCall = "actionCall";

    /// <summary><c>actionEvent(user, context)</c> → the action's event, or undefined when the context is not plain data and <c>eventFor</c> must read it (<see cref="ActionEvent"/>).</summary>
    public const string ActionEvent = "actionEvent";

    /// <summary><c>actionSettled(fulfilled, reason)</c>: how the handler's promise settled.</summary>
    public const string ActionSettled = "actionSettled";

    /// <summary><c>actionDeny(reason)</c>: <c>api.access.deny</c>.</summary>
    public const string ActionDeny = "actionDeny";

    /// <summary><c>actionUnsupported(error)</c>: an <c>api</c> method this host cannot honour was called; the login is denied even if the action catches the error.</summary>
    public const string ActionUnsupported = "actionUnsupported";

    /// <summary><c>actionMetadata(kind, userId, key, value)</c>: <c>api.user.setAppMetadata</c> / <c>setUserMetadata</c>.</summary>
    public const string ActionMetadata = "actionMetadata";

    /// <summary>What the last bootstrap file (90-freeze.js) returns to the runtime.</summary>
    public static class Exports
    {
        /// <summary>UnauthorizedError.prototype: a rule's error that inherits it denies with <c>unauthorized</c>.</summary>
        public const string UnauthorizedErrorPrototype = "unauthorizedErrorPrototype";

        /// <summary><c>loadAction(factory)</c> → { execute, resume }: runs an action module once and returns its handlers.</summary>
        public const string LoadAction = "loadAction";

        /// <summary><c>runAction(handlers, user, context, continuing)</c>: calls the handler with a fresh event and the frozen api.</summary>
        public const string RunAction = "runAction";
    }

    /// <summary>Sets one host function, named as the bootstrap calls it (the name shows in stack traces).</summary>
    public static void SetFunction(this JsObject host, Jint.Engine engine, string name, Func<JsValue, JsValue[], JsValue> body) =>
        host.FastSetDataProperty(name, new ClrFunction(engine, name, body));
}
