using System.Net;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Hostile;

/// <summary>How an endpoint must answer a request it refuses.</summary>
public enum Refusal
{
    /// <summary>Management API and impersonation: <c>{ statusCode, error, message, errorCode }</c>.</summary>
    Auth0Json,

    /// <summary>The token endpoint (RFC 6749 §5.2): <c>{ error, error_description }</c>.</summary>
    OAuthJson,

    /// <summary>Browser endpoints: a page, which must HTML-encode anything it echoes and never redirect.</summary>
    HtmlPage,
}

/// <summary>
/// One malformed or hostile request. <see cref="Arrange"/> does whatever set-up the attack needs (a link to replay,
/// a code already redeemed) and returns the request; the database is snapshotted after it, so the catalogue checks
/// that the hostile request itself writes nothing.
/// </summary>
public sealed record HostileRequest(string Name, Func<HostHarness, Task<HttpRequestMessage>> Arrange, HttpStatusCode Status, Refusal Refusal)
{
    public override string ToString() => Name;
}
