using System.Globalization;
using Rules.Engine.Pipeline;
using Rules.Host.Storage;
using Rules.Host.Tenant;

namespace Rules.Host.OAuth;

/// <summary>
/// Turns a login's outcome into the parameters of its authorization response. Allowed: the rules' metadata
/// changes are applied first (only an allowed login changes the user), then a code is stored or tokens are signed,
/// as the response type asks. Denied: error and error_description, as Auth0 sends a rule's denial to the app.
/// </summary>
public sealed class AuthorizeResponseGenerator(AuthorizationCodeStore codes, TokenMinter tokens, TenantStore store)
{
    /// <summary>Writes through <paramref name="writes"/>, the transaction that also records the login, so nothing is handed out unrecorded.</summary>
    public List<KeyValuePair<string, string?>> Allowed(Writes writes, HttpContext http, Outcome outcome, AuthorizationGrant grant, ResponseType responseType, string? state)
    {
        store.ApplyMetadataUpdates(writes, outcome.MetadataUpdates);
        if (responseType.Code)
        {
            return [new("code", codes.Issue(writes, grant)), new("state", state)];
        }

        var issued = tokens.Issue(grant, http);
        List<KeyValuePair<string, string?>> response = [];
        if (responseType.AccessToken)
        {
            response.Add(new("access_token", issued.AccessToken));
            response.Add(new("token_type", "Bearer"));
            response.Add(new("expires_in", issued.ExpiresIn.ToString(CultureInfo.InvariantCulture)));
        }
        if (responseType.IdToken)
        {
            response.Add(new("id_token", issued.IdToken));
        }
        response.Add(new("state", state));
        return response;
    }

    public static List<KeyValuePair<string, string?>> Denied(Outcome outcome, string? state) =>
        [new("error", outcome.Error ?? "access_denied"), new("error_description", DenialDescriptions.ForApplication(outcome)), new("state", state)];
}
