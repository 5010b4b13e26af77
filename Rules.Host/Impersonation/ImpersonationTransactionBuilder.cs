using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Host.OAuth;
using Rules.Host.Tenant;

namespace Rules.Host.Impersonation;

/// <summary>Everything an impersonated login is made of, re-read from the store when the link is followed.</summary>
public sealed record ImpersonatedLogin(
    RedeemedLink Link,
    TenantUser User,
    TenantUser Impersonator,
    Client Client,
    Connection Connection,
    TenantSettings Settings);

/// <summary>
/// Builds the <see cref="LoginTransaction"/> the rules see, with Auth0's user and context fields.
/// The user is the stored profile plus <c>impersonated: true</c> and <c>impersonator: { user_id, email }</c>.
/// <c>context.request.query</c> holds the parameters fixed at link creation, as Auth0 passed the /authorize
/// query (rules read e.g. <c>context.request.query.scope</c>). <c>stats.loginsCount</c> is the user's count
/// unchanged: an impersonated session is not the user's own login, so it is not counted.
/// </summary>
public static class ImpersonationTransactionBuilder
{
    public static LoginTransaction Build(ImpersonatedLogin login, HttpContext http, string sessionId, DateTimeOffset now)
    {
        var parameters = login.Link.Parameters;
        var user = login.User.ToProfileJson();
        user["impersonated"] = true;
        user["impersonator"] = new Impersonator(login.Impersonator.UserId, login.Impersonator.Email).ToJson();

        var query = new JsonObject
        {
            ["client_id"] = login.Client.ClientId,
            ["response_type"] = parameters.ResponseType,
            ["response_mode"] = parameters.ResponseMode,
            ["redirect_uri"] = parameters.CallbackUrl,
            ["scope"] = parameters.Scope,
        };
        if (parameters.State is not null) query["state"] = parameters.State;
        if (parameters.Nonce is not null) query["nonce"] = parameters.Nonce;

        var context = new JsonObject
        {
            ["tenant"] = login.Settings.FriendlyName,
            ["clientID"] = login.Client.ClientId,
            ["clientName"] = login.Client.Name,
            ["clientMetadata"] = login.Client.ClientMetadata.DeepClone(),
            ["connection"] = login.Connection.Name,
            ["connectionStrategy"] = login.Connection.Strategy,
            ["connectionID"] = login.Connection.Id,
            ["protocol"] = parameters.Protocol,
            ["request"] = new JsonObject
            {
                ["ip"] = http.Connection.RemoteIpAddress?.ToString(),
                ["userAgent"] = http.Request.Headers.UserAgent.ToString(),
                ["hostname"] = http.Request.Host.Host,
                ["query"] = query,
            },
            ["stats"] = new JsonObject { ["loginsCount"] = login.User.LoginsCount },
            ["sso"] = new JsonObject { ["with_auth0"] = false, ["with_dbconn"] = false },
            ["authentication"] = new JsonObject
            {
                ["methods"] = new JsonArray(new JsonObject { ["name"] = "impersonation", ["timestamp"] = now.ToUnixTimeMilliseconds() }),
            },
            ["sessionID"] = sessionId,
            ["idToken"] = new JsonObject(),
            ["accessToken"] = new JsonObject { ["scope"] = new JsonArray(parameters.Scopes.Select(s => (JsonNode?)s).ToArray()) },
        };
        return new LoginTransaction(user, context, now);
    }
}
