using System.Text.Json.Nodes;
using Rules.Host.Errors;
using Rules.Host.Hosting;
using Rules.Host.Login;
using Rules.Host.OAuth;
using Rules.Host.Tenant;

namespace Rules.Host.Impersonation;

/// <summary>A request to sign in as <see cref="User"/> that may become a link.</summary>
public sealed record ValidatedImpersonationRequest(
    TenantUser User,
    TenantUser Impersonator,
    Client Client,
    Connection Connection,
    ImpersonationParameters Parameters);

/// <summary>
/// The validator's answer as data. On error the ids the caller gave are kept (they may not exist) for the
/// <c>impersonation_refused</c> audit record.
/// </summary>
public sealed record ImpersonationRequestValidationResult : ValidationResult<Auth0Error>
{
    public ValidatedImpersonationRequest? Request { get; init; }
    public string? UserId { get; init; }
    public string? UserEmail { get; init; }
    public string? ImpersonatorId { get; init; }
    public string? ImpersonatorEmail { get; init; }
    public string? ClientId { get; init; }
    public string? ClientName { get; init; }
}

/// <summary>
/// Validates POST /users/{user_id}/impersonate. <c>client_id</c> names the application the impersonated
/// session logs into (the Dashboard's "client you want to log into"), not the caller: its callbacks bound
/// <c>callback_url</c>, it must have the user's connection enabled, and it redeems the code with its own
/// credentials. Each refusal has its own status and message; none of them throws.
/// </summary>
public sealed class ImpersonationRequestValidator(TenantStore store)
{
    public const string DisabledMessage =
        "Impersonation is disabled for this tenant; enable it with Rules:ImpersonationEnabled=true or the tenant seed's flags.enable_impersonation";

    private static readonly string[] ResponseTypes = [ImpersonationParameters.Code, ImpersonationParameters.Token];
    
    public ImpersonationRequestValidationResult Validate(string userId, JsonObject body)
    {
        var result = new ImpersonationRequestValidationResult { UserId = userId };
        var settings = store.GetSettings();
        if (!settings.ImpersonationEnabled)
        {
            return result with { Error = Auth0Error.Forbidden(DisabledMessage, "impersonation_disabled") };
        }

        var (protocol, protocolError) = RequestBody.GetString(body, "protocol");
        var (impersonatorId, impersonatorError) = RequestBody.GetString(body, "impersonator_id");
        var (clientId, clientError) = RequestBody.GetString(body, "client_id");
        result = result with { ImpersonatorId = impersonatorId, ClientId = clientId };
        if ((protocolError ?? impersonatorError ?? clientError) is { } typeError)
        {
            return result with { Error = Auth0Error.BadRequest(typeError) };
        }

        var additional = body["additionalParameters"];
        if (additional is not null and not JsonObject)
        {
            return result with { Error = Auth0Error.BadRequest("\"additionalParameters\" must be an object") };
        }
        var parameters = additional as JsonObject ?? [];
        var fields = new Dictionary<string, string?>();
        foreach (var name in new[] { "response_type", "response_mode", "state", "callback_url", "scope", "nonce" })
        {
            var (value, error) = RequestBody.GetString(parameters, name);
            if (error is not null)
            {
                return result with { Error = Auth0Error.BadRequest($"additionalParameters.{error}") };
            }
            if (value?.Length > AuthorizeRequestValidator.MaxParameterLength)
            {
                // The link carries these into the callback's redirect: a 200 KB state would make a Location header
                // that proxies and browsers refuse. /authorize caps them the same way.
                return result with { Error = Auth0Error.BadRequest($"additionalParameters.{name} is longer than {AuthorizeRequestValidator.MaxParameterLength} characters") };
            }
            fields[name] = value;
        }

        var missing = new[] { ("protocol", protocol), ("impersonator_id", impersonatorId), ("client_id", clientId), ("additionalParameters.callback_url", fields["callback_url"]) }
            .Where(f => f.Item2 is null).Select(f => f.Item1).ToArray();
        if (missing.Length > 0)
        {
            return result with { Error = Auth0Error.BadRequest($"Missing required field{(missing.Length > 1 ? "s" : "")}: {string.Join(", ", missing)}") };
        }

        if (protocol != "oauth2")
        {
            return result with { Error = Auth0Error.BadRequest($"Unsupported protocol \"{protocol}\"; this server supports \"oauth2\"", "invalid_protocol") };
        }

        var responseType = fields["response_type"] ?? ImpersonationParameters.Code;
        if (!ResponseTypes.Contains(responseType))
        {
            return result with { Error = Auth0Error.BadRequest($"Unsupported response_type \"{responseType}\"; use \"code\" or \"token\"", "unsupported_response_type") };
        }
        var responseMode = fields["response_mode"] ?? (responseType == ImpersonationParameters.Token ? ResponseModes.Fragment : ResponseModes.Query);
        if (!ResponseModes.All.Contains(responseMode))
        {
            return result with { Error = Auth0Error.BadRequest($"Unsupported response_mode \"{responseMode}\"; use \"query\", \"fragment\" or \"form_post\"", "unsupported_response_mode") };
        }
        if (responseType == ImpersonationParameters.Token && responseMode == ResponseModes.Query)
        {
            // OAuth 2.0 Multiple Response Type Encoding Practices §2.1: tokens are never put in the query string.
            return result with { Error = Auth0Error.BadRequest("response_mode \"query\" cannot carry tokens; use \"fragment\" or \"form_post\" with response_type \"token\"", "unsupported_response_mode") };
        }
        var scopes = TokenRequestValidator.SplitScope(fields["scope"] ?? "openid");
        if (!scopes.Contains("openid"))
        {
            return result with { Error = Auth0Error.BadRequest("scope must include \"openid\"", "invalid_scope") };
        }

        var user = store.GetUser(userId);
        if (user is null)
        {
            return result with { Error = Auth0Error.NotFound("The user does not exist.", "inexistent_user") };
        }
        result = result with { UserEmail = user.Email };
        if (user.Blocked)
        {
            return result with { Error = Auth0Error.BadRequest("The user is blocked and cannot be impersonated", "user_blocked") };
        }

        var impersonator = store.GetUser(impersonatorId!);
        if (impersonator is null)
        {
            return result with { Error = Auth0Error.BadRequest("impersonator_id does not name a user of this tenant", "inexistent_impersonator") };
        }
        result = result with { ImpersonatorEmail = impersonator.Email };
        if (impersonator.UserId == user.UserId)
        {
            return result with { Error = Auth0Error.BadRequest("A user cannot impersonate themselves", "invalid_impersonator") };
        }
        if (impersonator.Blocked || !settings.MayImpersonate(impersonator))
        {
            // Names the id the caller sent, never the user's email: otherwise any impersonate:users token could
            // turn user ids into email addresses.
            return result with { Error = Auth0Error.Forbidden($"impersonator_id {impersonatorId} is not allowed to impersonate users", "impersonator_not_allowed") };
        }

        var client = store.GetClient(clientId!);
        if (client is null)
        {
            return result with { Error = Auth0Error.BadRequest("client_id does not name an application of this tenant", "inexistent_client") };
        }
        result = result with { ClientName = client.Name };
        if (client.Callbacks.Count == 0)
        {
            return result with { Error = Auth0Error.BadRequest($"The application \"{client.Name}\" has no Allowed Callback URLs; add one before impersonating into it", "invalid_callback_url") };
        }
        var callbackUrl = fields["callback_url"]!;
        // Exact, ordinal comparison: no prefix, case-folding, trailing-slash or wildcard matching.
        if (!client.Callbacks.Contains(callbackUrl, StringComparer.Ordinal))
        {
            return result with { Error = Auth0Error.BadRequest($"callback_url is not one of the Allowed Callback URLs of \"{client.Name}\"", "invalid_callback_url") };
        }
        var grantType = responseType == ImpersonationParameters.Code ? GrantTypes.AuthorizationCode : GrantTypes.Implicit;
        if (!GrantTypes.Allows(client, grantType))
        {
            return result with { Error = Auth0Error.BadRequest($"response_type \"{responseType}\" needs the '{grantType}' grant, which \"{client.Name}\" does not have", "unauthorized_client") };
        }

        var connection = store.GetConnection(user.Connection);
        if (connection is null || !connection.EnabledClients.Contains(client.ClientId, StringComparer.Ordinal))
        {
            return result with { Error = Auth0Error.BadRequest($"The user's connection \"{user.Connection}\" is not enabled for \"{client.Name}\"", "connection_not_enabled") };
        }

        var validated = new ImpersonationParameters(protocol!, responseType, responseMode, callbackUrl, scopes, fields["state"], fields["nonce"]);
        return result with { Request = new ValidatedImpersonationRequest(user, impersonator, client, connection, validated) };
    }
}
