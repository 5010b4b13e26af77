using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.OAuth;
using Rules.Host.Tenant;

namespace Rules.Host.Login;

/// <summary>
/// Ending the SSO session, two ways:
/// <list type="bullet">
/// <item><c>GET /v2/logout?returnTo=…&amp;client_id=…</c>, Auth0's: returnTo must be one of the client's Allowed Logout
/// URLs, character for character.</item>
/// <item><c>GET /oidc/logout?id_token_hint=…&amp;post_logout_redirect_uri=…&amp;state=…</c> (OpenID Connect
/// RP-Initiated Logout, the discovery document's end_session_endpoint): the client is the hint's audience (or
/// client_id), and the redirect gets <c>state</c> back.</item>
/// </list>
/// Either way the session ends in the database (a copied cookie is then worthless) and the cookie is deleted. A
/// redirect that is not allowed is never followed (no open redirect): the session still ends and the page says why.
/// </summary>
public static class LogoutEndpoint
{
    public static IResult Handle(HttpContext http, SessionStore sessions, TenantStore store, AuditLog audit, TimeProvider clock)
    {
        var returnTo = AuthorizeRequestValidator.Value(http.Request.Query, "returnTo");
        var clientId = AuthorizeRequestValidator.Value(http.Request.Query, "client_id");
        return SignOut(http, sessions, store, audit, clock, clientId is null ? null : store.GetClient(clientId), returnTo, state: null,
            missingClient: "pass client_id so it can be checked against that application's Allowed Logout URLs");
    }

    public static async Task<IResult> HandleOidcAsync(HttpContext http, SessionStore sessions, TenantStore store, AuditLog audit, TimeProvider clock,
        JwtFactory jwt, IssuerUrls urls)
    {
        var clientId = AuthorizeRequestValidator.Value(http.Request.Query, "client_id");
        if (AuthorizeRequestValidator.Value(http.Request.Query, "id_token_hint") is { } hint)
        {
            var token = hint.Length > 8192 ? null : await jwt.ValidateHintAsync(hint, urls.Issuer(http));
            var audience = token?.Audiences.FirstOrDefault();
            if (audience is null || (clientId is not null && clientId != audience))
            {
                return HtmlPage.Message(http, "Sign-out failed", "The id_token_hint is not an ID token this server issued to the application named.", 400);
            }
            clientId = audience;
        }
        return SignOut(http, sessions, store, audit, clock, clientId is null ? null : store.GetClient(clientId), AuthorizeRequestValidator.Value(http.Request.Query, "post_logout_redirect_uri"),
            AuthorizeRequestValidator.Value(http.Request.Query, "state"), missingClient: "pass id_token_hint or client_id so it can be checked against that application's Allowed Logout URLs");
    }

    private static IResult SignOut(HttpContext http, SessionStore sessions, TenantStore store, AuditLog audit, TimeProvider clock,
        Client? client, string? returnTo, string? state, string missingClient)
    {
        if ((returnTo?.Length ?? 0) > AuthorizeRequestValidator.MaxParameterLength || (state?.Length ?? 0) > AuthorizeRequestValidator.MaxParameterLength)
        {
            // An oversized redirect would be refused by proxies and browsers anyway; refuse it before ending anything.
            return HtmlPage.Message(http, "Sign-out failed", $"The return address and state are limited to {AuthorizeRequestValidator.MaxParameterLength} characters.", 400);
        }

        var session = sessions.Find(http);
        if (session is not null)
        {
            sessions.End(http, session);
            audit.Write(AuditEntry.For(http, clock.GetUtcNow(), "slo", "Successful logout") with
            {
                ClientId = client?.ClientId,
                ClientName = client?.Name,
                UserId = session.UserId,
                UserName = store.GetUser(session.UserId)?.Email,
                Details = new JsonObject { ["session_id"] = session.Id, ["return_to"] = returnTo },
            });
        }

        if (returnTo is null)
        {
            return HtmlPage.Message(http, "Signed out", "You have signed out. You can close this window.", 200);
        }
        if (client is null)
        {
            return HtmlPage.Message(http, "Signed out", $"You have signed out, but the return address was not followed: {missingClient}.", 400);
        }
        if (!client.LogoutUrls.Contains(returnTo, StringComparer.Ordinal))
        {
            return HtmlPage.Message(http, "Signed out",
                $"You have signed out, but the return address is not in the Allowed Logout URLs of {client.Name}, so it was not followed.", 400);
        }

        http.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(state is null ? returnTo : QueryHelpers.AddQueryString(returnTo, "state", state));
    }
}
