namespace Rules.Engine.Pipeline;

/// <summary>What the login comes to.</summary>
public enum Decision
{
    /// <summary>No rule denied or redirected and nothing failed: the login completes, with the outcome's claims and metadata updates.</summary>
    Allow,
    /// <summary>A rule denied, or something failed (error, timeout, limit); <see cref="Outcome.Kind"/> says which. Nothing the rules added is handed out.</summary>
    Deny,

    /// <summary>A rule set <c>context.redirect</c> (or an action called <c>api.redirect.sendUserTo</c>): the login waits for /continue.</summary>
    Redirect,
}

/// <summary>Why a login was denied. Everything but <see cref="RuleDenied"/> is a failure the pipeline turned into a denial.</summary>
public enum DenialKind
{
    /// <summary>A rule called back with an error.</summary>
    RuleDenied,

    /// <summary>A rule threw, or left a value that could not be read.</summary>
    RuleError,

    /// <summary>The login's time budget ran out, or a rule could never call back.</summary>
    Timeout,

    /// <summary>A sandbox limit tripped: statements, memory, recursion, array or string size, regex time, HTTP calls or bytes.</summary>
    Limit,

    /// <summary>Every runtime was taken by logins waiting on the network and the queue for one was full.</summary>
    Busy,
}
