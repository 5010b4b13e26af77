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
    TenantSettings Settings,
    IReadOnlyList<string> Roles);

/// <summary>
/// The <see cref="LoginTransaction"/> of an impersonated login (built by <see cref="LoginTransactionBuilder"/>).
/// The user is the stored profile plus <c>impersonated: true</c> and <c>impersonator: { user_id, email }</c>.
/// <c>context.request.query</c> holds the parameters fixed at link creation, as Auth0 passed the /authorize
/// query (rules read e.g. <c>context.request.query.scope</c>). <c>stats.loginsCount</c> is the user's count
/// unchanged: an impersonated session is not the user's own login, so it is not counted.
/// <c>context.authorization.roles</c> holds the impersonated user's roles, never the impersonator's: the rules decide
/// about the session the agent is about to see.
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

        return LoginTransactionBuilder.Build(new LoginDescription
        {
            User = user,
            Client = login.Client,
            Connection = login.Connection,
            Settings = login.Settings,
            Protocol = parameters.Protocol,
            Query = query,
            LoginsCount = login.User.LoginsCount,
            Sso = new JsonObject { ["with_auth0"] = false, ["with_dbconn"] = false },
            Methods = new JsonArray(LoginTransactionBuilder.Method("impersonation", now)),
            SessionId = sessionId,
            Scopes = parameters.Scopes,
            Roles = login.Roles,
        }, http, now);
    }
}
