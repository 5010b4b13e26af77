using System.Text.Json.Nodes;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.OAuth;
using Rules.Host.Tenant;

namespace Rules.Host.Login;

/// <summary>
/// GET /authorize: where applications send the browser to sign a user in. A request that fails validation gets an
/// error page (no trusted callback) or the error at its callback. With a live SSO session for the same connection,
/// the rules run at once and the browser goes straight back to the application; prompt=none answers login_required
/// when there is none; otherwise the browser goes to the login page, carrying the same parameters.
/// </summary>
public static class AuthorizeEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, AuthorizeRequestValidator validator, SessionStore sessions, TenantStore store,
        LoginCompletion completion, AuditLog audit, TimeProvider clock)
    {
        var validation = validator.Validate(http.Request.Query);
        if (validation.Request is not { } request)
        {
            return Refuse(http, validation, audit, clock);
        }

        var session = request.Prompt == "login" ? null : sessions.Find(http);
        var user = session is null ? null : store.GetUser(session.UserId);
        if (session is not null && user is { Blocked: false } && session.Connection == request.Connection.Name)
        {
            var kind = request.Prompt == "none" ? LoginKind.Silent : LoginKind.SingleSignOn;
            var login = await completion.CompleteAsync(http, request, user, kind, session);
            return login.ToResult(http);
        }

        if (request.Prompt == "none")
        {
            audit.Write(AuditEntry.For(http, clock.GetUtcNow(), "fsa", "Failed silent authentication: login required") with
            {
                ClientId = request.Client.ClientId,
                ClientName = request.Client.Name,
                Details = new JsonObject { ["error"] = "login_required" },
            });
            return AuthorizeResponse.Failure(request.RedirectUri, request.ResponseMode, "login_required", "Login required", request.State).ToResult(http);
        }

        http.Response.Headers.CacheControl = "no-store";
        return Results.Redirect("/login" + http.Request.QueryString.Value);
    }

    /// <summary>An invalid request, on record as a failed login: an error page when the callback is not trusted, else the error at the callback.</summary>
    public static IResult Refuse(HttpContext http, AuthorizeValidationResult validation, AuditLog audit, TimeProvider clock)
    {
        var error = validation.Error!;
        var description = error.ErrorDescription;
        audit.Write(AuditEntry.For(http, clock.GetUtcNow(), "f", $"Failed login: {description}") with
        {
            ClientId = validation.Client?.ClientId ?? Truncate(http.Request.Query["client_id"].ToString()),
            ClientName = validation.Client?.Name,
            Details = new JsonObject
            {
                ["error"] = error.Error,
                ["error_description"] = description,
                ["redirect_uri"] = Truncate(http.Request.Query["redirect_uri"].ToString()),
            },
        });
        if (validation.ErrorOnPage)
        {
            return HtmlPage.Message(http, "This sign-in link is not valid", description, 400);
        }
        return AuthorizeResponse.Failure(validation.RedirectUri!, validation.ErrorResponseMode, error.Error, description, validation.State).ToResult(http);
    }

    private static string? Truncate(string value) => value.Length == 0 ? null : value.Length > 200 ? value[..200] : value;
}
