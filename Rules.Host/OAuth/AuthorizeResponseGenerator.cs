using Rules.Engine.Pipeline;
using Rules.Host.Storage;
using Rules.Host.Tenant;

namespace Rules.Host.OAuth;

/// <summary>
/// Turns a login's outcome into its authorization response. Allowed: the rules' metadata changes are applied first
/// (only an allowed login changes the user), then a code is stored or tokens are signed, as the response type asks.
/// Denied: error and error_description, as Auth0 sends a rule's denial to the app.
/// </summary>
public sealed class AuthorizeResponseGenerator(AuthorizationCodeStore codes, TokenMinter tokens, TenantStore store)
{
    /// <summary>Writes through <paramref name="writes"/>, the transaction that also records the login, so nothing is handed out unrecorded.</summary>
    /// <param name="callback">Where the response goes, with the client's state: the response is this one with the code or tokens.</param>
    public AuthorizeResponse Allowed(Writes writes, HttpContext http, Outcome outcome, AuthorizationGrant grant, ResponseType responseType, AuthorizeResponse callback)
    {
        store.ApplyMetadataUpdates(writes, outcome.MetadataUpdates);
        if (responseType.Code)
        {
            return callback with { Code = codes.Issue(writes, grant) };
        }

        var issued = tokens.Issue(grant, http);
        var response = callback;
        if (responseType.AccessToken)
        {
            response = response with { AccessToken = issued.AccessToken, TokenType = "Bearer", ExpiresIn = issued.ExpiresIn };
        }
        if (responseType.IdToken)
        {
            response = response with { IdToken = issued.IdToken };
        }
        return response;
    }

    public static AuthorizeResponse Denied(Outcome outcome, AuthorizeResponse callback) =>
        callback with { Error = outcome.Error ?? "access_denied", ErrorDescription = DenialDescriptions.ForApplication(outcome) };
}
