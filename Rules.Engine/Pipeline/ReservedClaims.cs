namespace Rules.Engine.Pipeline;

/// <summary>
/// Claims a rule may not set: the ones the token issuer owns (OIDC core, JWT, RFC 8693), the
/// impersonation markers, and Auth0's own namespace, following Auth0's restricted-claims list.
/// </summary>
public static class ReservedClaims
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "azp", "nonce", "auth_time", "at_hash", "c_hash", "s_hash",
        "acr", "amr", "sid", "cnf", "act", "may_act", "gty", "org_id", "org_name", "client_id", "scope",
        "impersonated", "impersonator",
    };

    /// <summary>Every reserved claim name, for linting and documentation.</summary>
    public static IReadOnlyCollection<string> All => Names;

    /// <summary>True when a rule may not set <paramref name="claim"/>. <c>scope</c> on the access token goes through <c>context.accessToken.scope</c>.</summary>
    public static bool IsReserved(string claim) =>
        Names.Contains(claim) || claim.StartsWith("https://auth0.com/", StringComparison.OrdinalIgnoreCase);
}
