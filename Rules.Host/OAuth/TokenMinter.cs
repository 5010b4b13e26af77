using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Rules.Engine.Pipeline;
using Rules.Host.Hosting;
using Rules.Host.Tenant;

namespace Rules.Host.OAuth;

public sealed record IssuedTokens(string AccessToken, string IdToken, long ExpiresIn);

/// <summary>
/// Turns a completed login (<see cref="AuthorizationGrant"/>) into the application's tokens, and a client
/// grant into a Management API token. Every token is an RS256 JWT from <see cref="JwtFactory"/>; the server
/// owns the reserved claims, so the rules' claims are written first and can never replace them.
/// </summary>
public sealed class TokenMinter(JwtFactory jwt, IssuerUrls urls, IOptions<RulesHostOptions> options)
{
    public IssuedTokens Issue(AuthorizationGrant grant, HttpContext http)
    {
        var issuer = urls.Issuer(http);
        var lifetime = options.Value.AccessTokenLifetime;
        var accessToken = jwt.Create(issuer, urls.UserInfoAudience(http), AccessTokenClaims(grant), lifetime);
        var idClaims = IdTokenClaims(grant);
        idClaims["at_hash"] = AccessTokenHash(accessToken);
        return new IssuedTokens(accessToken, jwt.Create(issuer, grant.ClientId, idClaims, lifetime), (long)lifetime.TotalSeconds);
    }

    /// <summary>
    /// OIDC Core §3.2.2.9 at_hash for RS256: base64url of the left half of SHA-256 of the access token's ASCII,
    /// so a client that got both tokens from the front channel can tell they belong together.
    /// </summary>
    public static string AccessTokenHash(string accessToken)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(accessToken));
        return Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(hash, 0, hash.Length / 2);
    }

    /// <summary>
    /// ID token (OIDC Core §2): aud is the client; sub is the signed-in (impersonated) user; profile claims by
    /// scope; the rules' custom claims; on impersonation <c>impersonated</c>, <c>impersonator</c> and RFC 8693 <c>act</c>.
    /// </summary>
    public static JsonObject IdTokenClaims(AuthorizationGrant grant)
    {
        var claims = CustomClaims(grant.IdTokenClaims);
        foreach (var (name, value) in ProfileClaims.For(grant.Profile, grant.Scopes))
        {
            claims[name] = value?.DeepClone();
        }
        claims["sub"] = grant.UserId;
        claims["auth_time"] = grant.AuthTime.ToUnixTimeSeconds();
        if (grant.Nonce is not null)
        {
            claims["nonce"] = grant.Nonce;
        }
        if (grant.SessionId is not null)
        {
            claims["sid"] = grant.SessionId;
        }
        AddImpersonation(claims, grant.Impersonator);
        return claims;
    }

    /// <summary>Access token for /userinfo: sub, azp, scope (space separated, RFC 8693 §4.2 style), the rules' claims and the impersonation claims.</summary>
    public static JsonObject AccessTokenClaims(AuthorizationGrant grant)
    {
        var claims = CustomClaims(grant.AccessTokenClaims);
        claims["sub"] = grant.UserId;
        claims["azp"] = grant.ClientId;
        claims["scope"] = string.Join(' ', grant.AccessTokenScopes);
        AddImpersonation(claims, grant.Impersonator);
        return claims;
    }

    /// <summary>A Management API v2 token for client_credentials, in Auth0's shape (sub "&lt;client_id&gt;@clients", gty).</summary>
    public (string Token, long ExpiresIn) CreateManagementToken(Client client, IReadOnlyList<string> scopes, HttpContext http)
    {
        var lifetime = options.Value.ManagementTokenLifetime;
        var claims = new JsonObject
        {
            ["sub"] = $"{client.ClientId}@clients",
            ["azp"] = client.ClientId,
            ["scope"] = string.Join(' ', scopes),
            ["gty"] = "client-credentials",
        };
        return (jwt.Create(urls.Issuer(http), urls.ManagementAudience(http), claims, lifetime), (long)lifetime.TotalSeconds);
    }

    private static JsonObject CustomClaims(JsonObject fromRules)
    {
        // The engine already drops reserved claims; checking again keeps a stored grant from ever setting them.
        var claims = new JsonObject();
        foreach (var (name, value) in fromRules)
        {
            if (name != "scope" && !ReservedClaims.IsReserved(name) && !ProfileClaims.All.Contains(name))
            {
                claims[name] = value?.DeepClone();
            }
        }
        return claims;
    }

    private static void AddImpersonation(JsonObject claims, Impersonator? impersonator)
    {
        if (impersonator is null)
        {
            return;
        }
        claims["impersonated"] = true;
        claims["impersonator"] = impersonator.ToJson();
        // RFC 8693 §4.1: the actor is the party acting on behalf of the subject.
        claims["act"] = new JsonObject { ["sub"] = impersonator.UserId };
    }
}
