using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;
using Rules.Host.Errors;
using Rules.Host.OAuth;
using Rules.Host.Tenant;

namespace Rules.Host.Login;

/// <summary>A validated /authorize request: which application, where the answer goes, and how the login proceeds.</summary>
public sealed record AuthorizeRequest
{
    public required Client Client { get; init; }

    /// <summary>The database connection whose users sign in on the login page.</summary>
    public required Connection Connection { get; init; }
    public required string RedirectUri { get; init; }
    public required ResponseType ResponseType { get; init; }
    public required string ResponseTypeValue { get; init; }
    public required string ResponseMode { get; init; }
    public required IReadOnlyList<string> Scopes { get; init; }
    public string? State { get; init; }
    public string? Nonce { get; init; }

    /// <summary>OIDC prompt: <c>login</c> asks for the password even with a session; <c>none</c> never shows a page.</summary>
    public string? Prompt { get; init; }
    public string? CodeChallenge { get; init; }

    /// <summary>Every parameter as received: the rules' <c>context.request.query</c>.</summary>
    public required JsonObject Query { get; init; }

    public string Scope => string.Join(' ', Scopes);
}

/// <summary>
/// The validator's answer. On an error with <see cref="ErrorOnPage"/>, there is no trustworthy callback (unknown
/// client, redirect_uri not registered), so the browser gets an error page and is never redirected; otherwise the
/// callback is trusted, so the error goes back to the application (RFC 6749 §4.1.2.1) in <see cref="ErrorResponseMode"/>.
/// </summary>
public sealed record AuthorizeValidationResult : ValidationResult<OAuthError>
{
    public AuthorizeRequest? Request { get; init; }

    /// <summary>The error is shown on our page, never sent to the (untrusted) callback.</summary>
    public bool ErrorOnPage { get; init; }
    public Client? Client { get; init; }
    public string? RedirectUri { get; init; }
    public string ErrorResponseMode { get; init; } = ResponseModes.Query;
    public string? State { get; init; }
}

/// <summary>
/// Validates GET /authorize (RFC 6749 §4.1.1 and §4.2.1, OIDC Core §3, RFC 7636) with the same client, callback and
/// connection checks as an impersonation link: the callback must be one of the client's, character for character;
/// the client must be allowed the grant the response type implies; PKCE (S256 only) is required of public clients
/// and single-page applications; an ID token from the front channel needs a nonce.
/// </summary>
public sealed partial class AuthorizeRequestValidator(TenantStore store)
{
    /// <summary>Longest value of one authorization parameter (state, scope, nonce, ...); the impersonation request shares it.</summary>
    internal const int MaxParameterLength = 2048;

    public AuthorizeValidationResult Validate(IQueryCollection parameters)
    {
        var query = new JsonObject();
        foreach (var (name, values) in parameters)
        {
            if (values.Count != 1)
            {
                // RFC 6749 §3.1: parameters must not appear more than once; there is no safe one to pick.
                return Page($"The parameter '{name}' appears more than once.");
            }
            if (values[0]!.Length > MaxParameterLength)
            {
                return Page($"The parameter '{name}' is longer than {MaxParameterLength} characters.");
            }
            query[name] = values[0];
        }

        var clientId = Value(parameters, "client_id");
        if (clientId is null)
        {
            return Page("Missing required parameter: client_id");
        }
        var client = store.GetClient(clientId);
        if (client is null)
        {
            return Page("Unknown client: the client_id does not name an application of this tenant.");
        }
        var redirectUri = Value(parameters, "redirect_uri");
        if (redirectUri is null)
        {
            return Page("Missing required parameter: redirect_uri");
        }
        if (!client.Callbacks.Contains(redirectUri, StringComparer.Ordinal))
        {
            return Page($"Callback URL mismatch: {redirectUri} is not in the list of allowed callback URLs of {client.Name}.");
        }

        var state = Value(parameters, "state");
        var responseTypeValue = Value(parameters, "response_type");
        var responseType = ResponseType.Parse(responseTypeValue);
        var requestedMode = Value(parameters, "response_mode");
        var modeIsKnown = requestedMode is null || ResponseModes.All.Contains(requestedMode);
        var errorMode = modeIsKnown && requestedMode is not null ? requestedMode : responseType?.DefaultResponseMode ?? ResponseModes.Query;
        var trusted = new AuthorizeValidationResult { Client = client, RedirectUri = redirectUri, ErrorResponseMode = errorMode, State = state };
        AuthorizeValidationResult Fail(string error, string description) => trusted with { Error = new OAuthError(error, description) };

        if (responseTypeValue is null)
        {
            return Fail("invalid_request", "Missing required parameter: response_type");
        }
        if (responseType is not { } type)
        {
            return Fail("unsupported_response_type", $"Unsupported response type: {responseTypeValue}; this server accepts {string.Join(", ", ResponseType.Supported)}");
        }
        if (!modeIsKnown)
        {
            return Fail("invalid_request", $"Unsupported response_mode: {requestedMode}; use query, fragment or form_post");
        }
        var responseMode = requestedMode ?? type.DefaultResponseMode;
        if (type.IsImplicit && responseMode == ResponseModes.Query)
        {
            return Fail("invalid_request", "response_mode query cannot carry tokens; use fragment or form_post");
        }
        var grantType = type.Code ? GrantTypes.AuthorizationCode : GrantTypes.Implicit;
        if (!GrantTypes.Allows(client, grantType))
        {
            return Fail("unauthorized_client", $"Grant type '{grantType}' not allowed for the client.");
        }

        var scopes = TokenRequestValidator.SplitScope(Value(parameters, "scope") ?? "openid");
        if (type.IdToken && !scopes.Contains("openid"))
        {
            return Fail("invalid_scope", "An ID token needs the openid scope.");
        }
        var nonce = Value(parameters, "nonce");
        if (type.IdToken && nonce is null)
        {
            return Fail("invalid_request", "Missing required parameter: nonce (required when the response carries an ID token)");
        }

        var prompt = Value(parameters, "prompt");
        var prompts = (prompt ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (prompts.Contains("none") && prompts.Length > 1)
        {
            return Fail("invalid_request", "prompt=none cannot be combined with other prompt values");
        }

        var audience = Value(parameters, "audience");
        if (audience is not null && !audience.EndsWith("/userinfo", StringComparison.Ordinal))
        {
            return Fail("access_denied", $"Service not found: {audience}");
        }

        var (challenge, pkceError) = CodeChallenge(parameters, client, type);
        if (pkceError is not null)
        {
            return Fail("invalid_request", pkceError);
        }

        var (connection, connectionError) = DatabaseConnection(client, Value(parameters, "connection"));
        if (connection is null)
        {
            return Fail("invalid_request", connectionError!);
        }

        return trusted with
        {
            Request = new AuthorizeRequest
            {
                Client = client,
                Connection = connection,
                RedirectUri = redirectUri,
                ResponseType = type,
                ResponseTypeValue = responseTypeValue,
                ResponseMode = responseMode,
                Scopes = scopes,
                State = state,
                Nonce = nonce,
                Prompt = prompts.Contains("none") ? "none" : prompts.Contains("login") ? "login" : null,
                CodeChallenge = challenge,
                Query = query,
            },
        };
    }

    private static (string? Challenge, string? Error) CodeChallenge(IQueryCollection parameters, Client client, ResponseType type)
    {
        var challenge = Value(parameters, "code_challenge");
        var method = Value(parameters, "code_challenge_method");
        if (challenge is null)
        {
            if (method is not null)
            {
                return (null, "code_challenge_method given without code_challenge");
            }
            return client.RequiresPkce && type.Code
                ? (null, $"{client.Name} is a public application: the code flow needs PKCE (code_challenge and code_challenge_method=S256)")
                : (null, null);
        }
        if (!type.Code)
        {
            return (null, "code_challenge belongs to the code flow (response_type=code)");
        }
        if (method != "S256")
        {
            return (null, method is null or "plain"
                ? "code_challenge_method must be S256 (the plain method is not accepted)"
                : $"Unsupported code_challenge_method: {method}; use S256");
        }
        // RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters.
        return Base64Url43().IsMatch(challenge) ? (challenge, null) : (null, "code_challenge must be the 43-character base64url SHA-256 of the code_verifier");
    }

    /// <summary>The connection the login page signs into: the one named, or the client's first enabled database connection.</summary>
    private (Connection? Connection, string? Error) DatabaseConnection(Client client, string? requested)
    {
        if (requested is not null)
        {
            var named = store.GetConnection(requested);
            if (named is null || !named.IsEnabledFor(client))
            {
                return (null, $"The connection '{requested}' is not enabled for {client.Name}.");
            }
            return named.IsDatabase
                ? (named, null)
                : (null, $"The connection '{requested}' ({named.Strategy}) has no password login on this server.");
        }

        var enabled = store.ListConnections().FirstOrDefault(c => c.IsDatabase && c.IsEnabledFor(client));
        return enabled is null ? (null, $"No database connection is enabled for {client.Name}.") : (enabled, null);
    }

    /// <summary>A parameter given once and not empty; a repeated or empty one counts as absent.</summary>
    internal static string? Value(IQueryCollection parameters, string name) =>
        parameters.TryGetValue(name, out StringValues values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    private static AuthorizeValidationResult Page(string message) => new() { Error = new OAuthError("invalid_request", message), ErrorOnPage = true };

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex Base64Url43();
}
