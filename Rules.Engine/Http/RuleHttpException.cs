namespace Rules.Engine.Http;

/// <summary>
/// A call that did not produce a response, with Node's error code (<c>ECONNREFUSED</c>, <c>ETIMEDOUT</c>, <c>ENOTFOUND</c>,
/// <c>ECONNRESET</c>) or ours (<c>ERR_EGRESS_DENIED</c>, <c>ERR_TOO_MANY_REDIRECTS</c>, <c>ERR_RESPONSE_TOO_LARGE</c>,
/// <c>ERR_NO_FIXTURE</c>, <c>ERR_NOT_REPLAYABLE</c>). The rule sees it as an Error it can catch; <see cref="Limit"/> names the sandbox
/// limit when one tripped, and such a login is denied even if the rule catches the error.
/// </summary>
public sealed class RuleHttpException(string code, string message, string? limit = null, Exception? inner = null) : Exception(message, inner)
{
    public const string EgressDenied = "ERR_EGRESS_DENIED";
    public const string TooManyRedirects = "ERR_TOO_MANY_REDIRECTS";
    public const string ResponseTooLarge = "ERR_RESPONSE_TOO_LARGE";
    public const string NoFixture = "ERR_NO_FIXTURE";
    public const string NotReplayable = "ERR_NOT_REPLAYABLE";
    public const string TimedOut = "ETIMEDOUT";

    public string Code { get; } = code;

    public string? Limit { get; } = limit;
}
