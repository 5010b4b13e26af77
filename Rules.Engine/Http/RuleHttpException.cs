namespace Rules.Engine.Http;

/// <summary>
/// A call that did not produce a response, with Node's error code (<c>ECONNREFUSED</c>, <c>ETIMEDOUT</c>, <c>ENOTFOUND</c>,
/// <c>ECONNRESET</c>) or ours (<c>ERR_EGRESS_DENIED</c>, <c>ERR_TOO_MANY_REDIRECTS</c>, <c>ERR_RESPONSE_TOO_LARGE</c>,
/// <c>ERR_NO_FIXTURE</c>, <c>ERR_NOT_REPLAYABLE</c>). The rule sees it as an Error it can catch; <see cref="Limit"/> names the sandbox
/// limit when one tripped, and such a login is denied even if the rule catches the error.
/// </summary>
public sealed class RuleHttpException(string code, string message, string? limit = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The egress policy refused the URL or the address it resolved to.</summary>
    public const string EgressDenied = "ERR_EGRESS_DENIED";
    /// <summary>The call followed more redirects than allowed.</summary>
    public const string TooManyRedirects = "ERR_TOO_MANY_REDIRECTS";
    /// <summary>The response was larger than the sandbox limit <c>MaxHttpResponseBytes</c>.</summary>
    public const string ResponseTooLarge = "ERR_RESPONSE_TOO_LARGE";
    /// <summary>Under <c>rules test</c> or <c>rules eval --http</c>, no fixture answers the call.</summary>
    public const string NoFixture = "ERR_NO_FIXTURE";
    /// <summary>On replay, the decision log did not keep this call's response, so the record cannot be replayed faithfully.</summary>
    public const string NotReplayable = "ERR_NOT_REPLAYABLE";
    /// <summary>The call did not complete within its timeout (Node's code, so rules written for Node recognise it).</summary>
    public const string TimedOut = "ETIMEDOUT";

    /// <summary>The Node-style error code the rule sees as <c>err.code</c>.</summary>
    public string Code { get; } = code;

    /// <summary>The sandbox limit that tripped, or null when none did; when set, the login is denied even if the rule catches the error.</summary>
    public string? Limit { get; } = limit;
}
