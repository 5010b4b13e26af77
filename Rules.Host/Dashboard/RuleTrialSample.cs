using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Host.Impersonation;
using Rules.Host.OAuth;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>
/// The sample login "Try this rule" starts from, built by the same builders real logins use: a password login
/// (<see cref="LoginTransactionBuilder"/>) or an impersonated one (<see cref="ImpersonationTransactionBuilder"/>, as if
/// a link had just been followed), for a stored user, application and impersonator, at the server's clock. The
/// operator edits it freely before running it.
/// </summary>
public static class RuleTrialSample
{
    public const string SessionId = "ses_dashboard_trial";

    public static LoginTransaction Build(TenantUser user, Client client, Connection connection, TenantUser? impersonator, TenantSettings settings, IReadOnlyList<string> roles, HttpContext http, DateTimeOffset now)
    {
        var callback = client.Callbacks.FirstOrDefault() ?? "";
        if (impersonator is not null)
        {
            var link = new RedeemedLink("lnk_dashboard_trial", user.UserId, impersonator.UserId, client.ClientId,
                new ImpersonationParameters("oauth2", ImpersonationParameters.Code, ResponseModes.Query, callback, ["openid"], null, null), now);
            return ImpersonationTransactionBuilder.Build(new ImpersonatedLogin(link, user, impersonator, client, connection, settings, roles), http, SessionId, now);
        }

        var loginsCount = user.LoginsCount + 1;
        return LoginTransactionBuilder.Build(new LoginDescription
        {
            User = (user with { LoginsCount = loginsCount }).ToProfileJson(),
            Client = client,
            Connection = connection,
            Settings = settings,
            Protocol = "oidc-basic-profile",
            Query = new JsonObject { ["client_id"] = client.ClientId, ["response_type"] = "code", ["redirect_uri"] = callback, ["scope"] = "openid" },
            LoginsCount = loginsCount,
            Sso = new JsonObject { ["with_auth0"] = false, ["with_dbconn"] = false },
            Methods = new JsonArray(LoginTransactionBuilder.Method("pwd", now)),
            SessionId = SessionId,
            Scopes = ["openid"],
            Roles = roles,
        }, http, now);
    }
}
