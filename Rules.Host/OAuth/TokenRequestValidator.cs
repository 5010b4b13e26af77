using System.Text.Json.Nodes;
using Rules.Host.Errors;
using Rules.Host.Hosting;
using Rules.Host.Tenant;

namespace Rules.Host.OAuth;

public static class GrantTypes
{
    public const string ClientCredentials = "client_credentials";
    public const string AuthorizationCode = "authorization_code";
    public const string Implicit = "implicit";

    /// <summary>
    /// A client's grant_types list, as Auth0 applies it. A client seeded without the list gets Auth0's defaults
    /// for its kind, which include all three grants this server implements.
    /// </summary>
    public static bool Allows(Client client, string grantType) => client.GrantTypes.Count == 0 || client.GrantTypes.Contains(grantType);
}

/// <summary>A token request that passed validation: the client is authenticated, and a code has been redeemed.</summary>
public sealed record ValidatedTokenRequest
{
    public required string GrantType { get; init; }
    public required Client Client { get; init; }

    /// <summary>client_credentials: the Management API audience and the scopes granted.</summary>
    public string? Audience { get; init; }
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>authorization_code: the login the code stood for.</summary>
    public AuthorizationGrant? Grant { get; init; }
}

/// <summary>
/// The validator's answer as data. On error, <see cref="ClientId"/>, <see cref="Client"/> and <see cref="Grant"/>
/// carry what was learnt before the failure, so the audit record can name the client and, for a burned code, the user.
/// </summary>
public sealed record TokenRequestValidationResult : ValidationResult<OAuthError>
{
    public ValidatedTokenRequest? Request { get; init; }
    public string? GrantType { get; init; }
    public string? ClientId { get; init; }
    public Client? Client { get; init; }
    public AuthorizationGrant? Grant { get; init; }
    public bool UsedBasic { get; init; }
}

/// <summary>
/// Validates POST /oauth/token (RFC 6749 §4.1.3 and §4.4.2) in Auth0's dialect: client_credentials for the
/// Management API, and authorization_code with <c>redirect_uri</c> or Auth0's older name <c>callback_url</c>, and the
/// <c>code_verifier</c> when the login used PKCE (always, for public clients).
/// </summary>
public sealed class TokenRequestValidator(ClientSecretValidator clients, AuthorizationCodeStore codes, TenantStore store, IssuerUrls urls)
{
    public TokenRequestValidationResult Validate(JsonObject body, HttpContext http)
    {
        var (grantType, grantTypeError) = RequestBody.GetString(body, "grant_type");
        if (grantTypeError is not null || grantType is null)
        {
            return Fail(null, new OAuthError("invalid_request", grantTypeError ?? "Missing required parameter: grant_type"));
        }
        if (grantType is not (GrantTypes.ClientCredentials or GrantTypes.AuthorizationCode))
        {
            return Fail(grantType, new OAuthError("unsupported_grant_type", $"Unsupported grant type: {grantType}; this server accepts client_credentials and authorization_code"));
        }

        var authentication = clients.Validate(body, http.Request.Headers.Authorization.ToString());
        if (authentication.IsError)
        {
            return new TokenRequestValidationResult { GrantType = grantType, Error = authentication.Error, ClientId = authentication.ClientId, UsedBasic = authentication.UsedBasic };
        }

        var client = authentication.Client!;
        var authenticated = new TokenRequestValidationResult { GrantType = grantType, ClientId = client.ClientId, Client = client, UsedBasic = authentication.UsedBasic };
        if (!GrantTypes.Allows(client, grantType) || (client.IsPublic && grantType != GrantTypes.AuthorizationCode))
        {
            return authenticated with { Error = new OAuthError("unauthorized_client", $"Grant type '{grantType}' not allowed for the client.") };
        }

        return grantType == GrantTypes.ClientCredentials
            ? ValidateClientCredentials(body, client, http, authenticated)
            : ValidateAuthorizationCode(body, client, authenticated);
    }

    private TokenRequestValidationResult ValidateClientCredentials(JsonObject body, Client client, HttpContext http, TokenRequestValidationResult result)
    {
        var (audience, audienceError) = RequestBody.GetString(body, "audience");
        var (scope, scopeError) = RequestBody.GetString(body, "scope");
        if ((audienceError ?? scopeError) is { } typeError)
        {
            return result with { Error = new OAuthError("invalid_request", typeError) };
        }
        if (audience is null)
        {
            return result with { Error = new OAuthError("invalid_request", "Missing required parameter: audience") };
        }

        var managementAudience = urls.ManagementAudience(http);
        if (!string.Equals(audience, managementAudience, StringComparison.Ordinal))
        {
            return result with { Error = new OAuthError("access_denied", $"Service not enabled within domain: {audience}", 403) };
        }

        // The seed stores the Management API as "/api/v2/": an audience starting with "/" is relative to the issuer.
        var issuer = urls.Issuer(http);
        var grant = store.GetClientGrant(client.ClientId, audience)
            ?? store.GetClientGrant(client.ClientId, "/" + audience[issuer.Length..]);
        if (grant is null)
        {
            return result with { Error = new OAuthError("access_denied", $"Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API.", 403) };
        }

        var requested = SplitScope(scope);
        var notGranted = requested.Where(s => !grant.Scope.Contains(s)).ToArray();
        if (notGranted.Length > 0)
        {
            return result with { Error = new OAuthError("access_denied", $"Client has not been granted scopes: {string.Join(' ', notGranted)}", 403) };
        }

        return result with
        {
            Request = new ValidatedTokenRequest
            {
                GrantType = GrantTypes.ClientCredentials,
                Client = client,
                Audience = audience,
                Scopes = requested.Length > 0 ? requested : grant.Scope,
            },
        };
    }

    private TokenRequestValidationResult ValidateAuthorizationCode(JsonObject body, Client client, TokenRequestValidationResult result)
    {
        var (code, codeError) = RequestBody.GetString(body, "code");
        var (redirectUri, redirectError) = RequestBody.GetString(body, "redirect_uri");
        var (callbackUrl, callbackError) = RequestBody.GetString(body, "callback_url");
        var (verifier, verifierError) = RequestBody.GetString(body, "code_verifier");
        if ((codeError ?? redirectError ?? callbackError ?? verifierError) is { } typeError)
        {
            return result with { Error = new OAuthError("invalid_request", typeError) };
        }
        if (code is null)
        {
            return result with { Error = new OAuthError("invalid_request", "Missing required parameter: code") };
        }
        if (redirectUri is not null && callbackUrl is not null && redirectUri != callbackUrl)
        {
            return result with { Error = new OAuthError("invalid_request", "redirect_uri and callback_url name the same parameter; give one, or the same value in both") };
        }
        var redirect = redirectUri ?? callbackUrl;
        if (redirect is null)
        {
            return result with { Error = new OAuthError("invalid_request", "Missing required parameter: redirect_uri (or callback_url)") };
        }

        // Redeeming burns the code whatever follows: a code shown to the wrong client or with the wrong
        // redirect is spent, as RFC 6749 §10.5 asks of a code that may have leaked.
        var redeemed = codes.Redeem(code);
        if (redeemed is null)
        {
            return result with { Error = new OAuthError("invalid_grant", "Invalid authorization code: unknown, expired or already used") };
        }

        var burned = result with { Grant = redeemed.Grant };
        if (!string.Equals(redeemed.ClientId, client.ClientId, StringComparison.Ordinal))
        {
            return burned with { Error = new OAuthError("invalid_grant", "The authorization code was not issued to this client") };
        }
        if (!string.Equals(redeemed.RedirectUri, redirect, StringComparison.Ordinal))
        {
            return burned with { Error = new OAuthError("invalid_grant", "redirect_uri does not match the one the authorization code was issued for") };
        }
        if (Pkce.Check(redeemed.Grant.CodeChallenge, verifier) is { } pkceError)
        {
            return burned with { Error = new OAuthError("invalid_grant", pkceError) };
        }
        if (store.GetUser(redeemed.Grant.UserId) is not { Blocked: false })
        {
            return burned with { Error = new OAuthError("invalid_grant", "The user of this authorization code no longer exists or is blocked") };
        }

        return burned with
        {
            Request = new ValidatedTokenRequest { GrantType = GrantTypes.AuthorizationCode, Client = client, Grant = redeemed.Grant },
        };
    }

    public static string[] SplitScope(string? scope) =>
        (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();

    private static TokenRequestValidationResult Fail(string? grantType, OAuthError error) => new() { GrantType = grantType, Error = error };
}
