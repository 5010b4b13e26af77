namespace Rules.Host.OAuth;

/// <summary>
/// What an authorization response carries (RFC 6749 §3.1.1, OAuth 2.0 Multiple Response Types): a code, an access
/// token, an ID token, or an access and an ID token. The order of the space-separated values does not matter.
/// </summary>
public readonly record struct ResponseType(bool Code, bool AccessToken, bool IdToken)
{
    public static readonly ResponseType CodeFlow = new(true, false, false);

    /// <summary>The values this server implements at /authorize, as discovery lists them.</summary>
    public static readonly string[] Supported = ["code", "token", "id_token", "id_token token"];

    /// <summary>Tokens in the response: the front channel carries them, so they must never go in a query string.</summary>
    public bool IsImplicit => AccessToken || IdToken;

    /// <summary>Auth0's <c>context.protocol</c> for a login with this response type.</summary>
    public string Protocol => Code ? "oidc-basic-profile" : "oidc-implicit-profile";

    public string DefaultResponseMode => IsImplicit ? ResponseModes.Fragment : ResponseModes.Query;

    public static ResponseType? Parse(string? value)
    {
        var parts = (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > 2 || parts.Distinct(StringComparer.Ordinal).Count() != parts.Length)
        {
            return null;
        }
        var set = parts.ToHashSet(StringComparer.Ordinal);
        var code = set.Remove("code");
        var token = set.Remove("token");
        var idToken = set.Remove("id_token");
        // "code id_token" and the other hybrid flows are not implemented.
        return set.Count == 0 && !(code && (token || idToken)) ? new ResponseType(code, token, idToken) : null;
    }
}
