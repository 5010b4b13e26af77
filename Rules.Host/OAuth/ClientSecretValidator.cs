using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Rules.Host.Errors;
using Rules.Host.Hosting;
using Rules.Host.Tenant;

namespace Rules.Host.OAuth;

/// <summary>The authenticated client, or why client authentication failed; <see cref="ClientId"/> is what was claimed, for the audit.</summary>
public sealed record ClientSecretValidationResult : ValidationResult<OAuthError>
{
    public ClientSecretValidationResult(Client? client, OAuthError? error, string? clientId, bool usedBasic)
    {
        Client = client;
        Error = error;
        ClientId = clientId;
        UsedBasic = usedBasic;
    }

    public Client? Client { get; init; }
    public string? ClientId { get; init; }
    public bool UsedBasic { get; init; }
}

/// <summary>
/// Authenticates the client at the token endpoint (RFC 6749 §2.3.1): client_secret_post (client_id and
/// client_secret in the body) or client_secret_basic (HTTP Basic, form-urlencoded id and secret), not both.
/// The secret is compared in constant time, and an unknown client costs the same comparison as a wrong secret.
/// A public client (token_endpoint_auth_method none) sends its client_id alone.
/// </summary>
public sealed class ClientSecretValidator(TenantStore store)
{
    private const string UnknownClientSecret = "no-such-client-no-such-secret";

    public ClientSecretValidationResult Validate(JsonObject body, string? authorization)
    {
        var (bodyId, idError) = RequestBody.GetString(body, "client_id");
        var (bodySecret, secretError) = RequestBody.GetString(body, "client_secret");
        if ((idError ?? secretError) is { } typeError)
        {
            return new(null, new OAuthError("invalid_request", typeError), bodyId, false);
        }

        string? clientId = bodyId, secret = bodySecret;
        var usedBasic = false;
        if (authorization is { Length: > 0 } header && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            usedBasic = true;
            if (!TryParseBasic(header[6..].Trim(), out var basicId, out var basicSecret))
            {
                return new(null, new OAuthError("invalid_request", "The Authorization header is not valid HTTP Basic credentials"), bodyId, true);
            }
            if (bodySecret is not null || (bodyId is not null && bodyId != basicId))
            {
                return new(null, new OAuthError("invalid_request", "Use one client authentication method: HTTP Basic or client_id and client_secret in the body, not both"), basicId, true);
            }
            clientId = basicId;
            secret = basicSecret;
        }

        if (clientId is null)
        {
            return new(null, new OAuthError("invalid_request", "Missing required parameter: client_id"), null, usedBasic);
        }

        var client = store.GetClient(clientId);
        if (client is { IsPublic: true })
        {
            // A public client has no secret to prove (RFC 6749 §2.1); its code exchange proves PKCE instead.
            return secret is null
                ? new(client, null, clientId, usedBasic)
                : new(null, new OAuthError("invalid_client", $"{client.Name} is a public client (token_endpoint_auth_method none): send no client secret", 401), clientId, usedBasic);
        }

        // Compare even for an unknown client, so timing does not tell which client ids exist.
        var matches = Secrets.FixedTimeEquals(secret ?? "", client?.ClientSecret ?? UnknownClientSecret);
        if (client is null || secret is null || !matches)
        {
            return new(null, new OAuthError("invalid_client", "Client authentication failed: unknown client or wrong client secret", 401), clientId, usedBasic);
        }
        return new(client, null, clientId, usedBasic);
    }

    private static bool TryParseBasic(string encoded, out string clientId, out string secret)
    {
        clientId = secret = "";
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':');
            if (colon <= 0)
            {
                return false;
            }
            // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
            clientId = WebUtility.UrlDecode(decoded[..colon]);
            secret = WebUtility.UrlDecode(decoded[(colon + 1)..]);
            return clientId.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
