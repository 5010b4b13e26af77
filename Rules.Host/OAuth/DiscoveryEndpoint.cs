using System.Text.Json.Nodes;

namespace Rules.Host.OAuth;

/// <summary>OpenID Connect Discovery 1.0 metadata and the JWKS (RFC 7517) that verifies every token this server signs.</summary>
public static class DiscoveryEndpoint
{
    /// <summary>The current key and every retired key a live token may still be signed with (see <see cref="SigningKeys"/>).</summary>
    public static IResult Jwks(SigningKeys keys) => Results.Text(keys.Current.JwksJson, "application/json; charset=utf-8");

    public static IResult Configuration(HttpContext http, IssuerUrls urls)
    {
        var issuer = urls.Issuer(http);
        return Results.Json(new JsonObject
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = issuer + "authorize",
            ["token_endpoint"] = issuer + "oauth/token",
            ["userinfo_endpoint"] = issuer + "userinfo",
            ["jwks_uri"] = issuer + ".well-known/jwks.json",
            ["end_session_endpoint"] = issuer + "oidc/logout",
            ["response_types_supported"] = Array(ResponseType.Supported),
            ["response_modes_supported"] = Array("query", "fragment", "form_post"),
            ["subject_types_supported"] = Array("public"),
            ["id_token_signing_alg_values_supported"] = Array("RS256"),
            ["scopes_supported"] = Array("openid", "profile", "email"),
            ["grant_types_supported"] = Array(GrantTypes.AuthorizationCode, GrantTypes.Implicit, GrantTypes.ClientCredentials),
            ["token_endpoint_auth_methods_supported"] = Array("client_secret_post", "client_secret_basic", "none"),
            ["code_challenge_methods_supported"] = Array("S256"),
            ["claims_supported"] = Array(
                ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp", "at_hash", "sid", .. ProfileClaims.All, "impersonated", "impersonator", "act"]),
        });
    }

    private static JsonArray Array(params string[] values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
