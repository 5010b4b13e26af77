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
            return BearerChallenge.Missing(http, "Missing access token: send it as Authorization: Bearer <token>", realm: "userinfo");
        }

        var validation = await jwt.ValidateBearerAsync(header[7..].Trim(), urls.Issuer(http), urls.UserInfoAudience(http));
        if (validation.Token is not { } token)
        {
            return BearerChallenge.InvalidToken(http, validation.Failure!, realm: "userinfo");
        }
        if (!token.TryGetPayloadValue<string>("sub", out var userId) || store.GetUser(userId) is not { Blocked: false } user)
        {
            return BearerChallenge.InvalidToken(http, "The token's user no longer exists or is blocked", realm: "userinfo");
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
