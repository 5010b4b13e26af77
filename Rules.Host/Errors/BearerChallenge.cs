namespace Rules.Host.Errors;

/// <summary>
/// 401 and 403 answers to a bearer-token request: Auth0's error JSON, with the <c>WWW-Authenticate: Bearer</c>
/// challenge RFC 6750 §3 asks for, so a client library can tell "no token" from "this token is expired or invalid"
/// from "wrong scope" without reading the body.
/// </summary>
public static class BearerChallenge
{
    /// <summary>No token was sent: the challenge carries no error code (RFC 6750 §3.1).</summary>
    public static IResult Missing(HttpContext http, string message, string? realm = null)
    {
        http.Response.Headers.WWWAuthenticate = realm is null ? "Bearer" : $"Bearer realm=\"{realm}\"";
        return Auth0Error.Unauthorized(message, "missing_authentication").ToResult();
    }

    /// <summary>The token is expired, revoked, malformed or for someone else.</summary>
    public static IResult InvalidToken(HttpContext http, string message, string? realm = null)
    {
        http.Response.Headers.WWWAuthenticate = $"Bearer {(realm is null ? "" : $"realm=\"{realm}\", ")}error=\"invalid_token\", error_description=\"{Quoted(message)}\"";
        return Auth0Error.Unauthorized(message, "invalid_token").ToResult();
    }

    /// <summary>A valid token without the scope the request needs (RFC 6750 §3.1: 403 with insufficient_scope).</summary>
    public static IResult InsufficientScope(HttpContext http, string message, IEnumerable<string> scopes)
    {
        http.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", error_description=\"{Quoted(message)}\", scope=\"{string.Join(' ', scopes)}\"";
        return Auth0Error.Forbidden(message).ToResult();
    }

    // error_description is a quoted-string of printable ASCII without " or \ (RFC 6750 §3).
    private static string Quoted(string text) =>
        new([.. text.Select(c => c is '"' or '\\' or < ' ' or > '~' ? '\'' : c)]);
}
