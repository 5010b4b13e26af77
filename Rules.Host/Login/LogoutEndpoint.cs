using System.Text.Json.Nodes;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.Tenant;

namespace Rules.Host.Login;

/// <summary>
/// GET /v2/logout?returnTo=...&amp;client_id=..., as Auth0's: ends the SSO session (in the database and the cookie) and
/// sends the browser to returnTo, which must be one of the client's Allowed Logout URLs, character for character.
/// A returnTo that is not allowed is never followed (no open redirect): the session still ends and the page says why.
/// Without returnTo the page confirms the sign-out.
/// </summary>
public static class LogoutEndpoint
{
    public static IResult Handle(HttpContext http, SessionStore sessions, TenantStore store, AuditLog audit, TimeProvider clock)
    {
        var returnTo = Single(http, "returnTo");
        var clientId = Single(http, "client_id");
        var client = clientId is null ? null : store.GetClient(clientId);

        var session = sessions.Find(http);
        if (session is not null)
        {
            sessions.End(http, session);
            var user = store.GetUser(session.UserId);
            audit.Write(new AuditEntry
            {
                Date = clock.GetUtcNow(),
                Type = "slo",
                Description = "Successful logout",
                ClientId = client?.ClientId,
                ClientName = client?.Name,
                UserId = session.UserId,
                UserName = user?.Email,
                Ip = http.Connection.RemoteIpAddress?.ToString(),
                UserAgent = http.Request.Headers.UserAgent.ToString(),
                Details = new JsonObject { ["session_id"] = session.Id, ["return_to"] = returnTo },
            });
        }

        if (returnTo is null)
        {
            return HtmlPage.Message(http, "Signed out", "You have signed out. You can close this window.", 200);
        }
        if (clientId is null)
        {
            return HtmlPage.Message(http, "Signed out", "You have signed out, but returnTo was not followed: pass client_id so it can be checked against that application's Allowed Logout URLs.", 400);
        }
        if (client is null || !client.LogoutUrls.Contains(returnTo, StringComparer.Ordinal))
        {
            return HtmlPage.Message(http, "Signed out",
                $"You have signed out, but the returnTo URL is not in the Allowed Logout URLs of {(client is null ? "an application of this tenant" : client.Name)}, so it was not followed.", 400);
        }

        http.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(returnTo);
    }

    private static string? Single(HttpContext http, string name) =>
        http.Request.Query.TryGetValue(name, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
}
