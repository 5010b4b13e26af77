using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Rules.Host.Errors;
using Rules.Host.Tenant;

namespace Rules.Host.OAuth;

/// <summary>
/// GET /userinfo (OIDC Core §5.3): the signed-in user's profile claims that the access token's scopes
/// release, read from the store now, plus the impersonation claims the token carries. 401 with a
/// <c>WWW-Authenticate: Bearer</c> challenge (RFC 6750 §3) without a valid access token.
/// </summary>
public static class UserInfoEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, JwtFactory jwt, IssuerUrls urls, TenantStore store)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"userinfo\"";
            return Auth0Error.Unauthorized("Missing access token: send it as Authorization: Bearer <token>", "missing_authentication").ToResult();
        }

        var token = await jwt.ValidateAsync(header[7..].Trim(), urls.Issuer(http), urls.UserInfoAudience(http));
        if (token is null || !token.TryGetPayloadValue<string>("sub", out var userId)
            || store.GetUser(userId) is not { Blocked: false } user)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"userinfo\", error=\"invalid_token\"";
            return Auth0Error.Unauthorized("Invalid or expired access token").ToResult();
        }

        var scopes = token.TryGetPayloadValue<string>("scope", out var scope) ? TokenRequestValidator.SplitScope(scope) : [];
        var claims = new JsonObject { ["sub"] = user.UserId };
        foreach (var (name, value) in ProfileClaims.For(user.ToProfileJson(), scopes))
        {
            claims[name] = value?.DeepClone();
        }
        if (token.TryGetPayloadValue<bool>("impersonated", out var impersonated) && impersonated)
        {
            claims["impersonated"] = true;
            claims["impersonator"] = Claim(token, "impersonator");
        }
        return Results.Json(claims);
    }

    private static JsonNode? Claim(JsonWebToken token, string name) =>
        token.TryGetPayloadValue<JsonElement>(name, out var element) ? JsonNode.Parse(element.GetRawText()) : null;
}
