using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.OAuth;

namespace Rules.Host.Login;

/// <summary>
/// GET and POST /login, the hosted login page. The authorization request travels in the page's own query string and
/// is validated again on every request, so nothing about it is kept on the server and a tampered copy gains nothing
/// that /authorize would not give. The form is protected by ASP.NET Core's antiforgery token; failed passwords count
/// towards <see cref="LoginAttemptLimiter"/>; a correct one runs the rules through <see cref="LoginCompletion"/>.
/// </summary>
public static class LoginEndpoints
{
    public const string WrongCredentials = "Wrong email or password.";

    /// <summary>Shown while the address is throttled for password spraying; it names no account.</summary>
    public const string TooManyFromThisNetwork = "Too many failed sign-in attempts from this network; try again later.";

    public static IResult Show(HttpContext http, AuthorizeRequestValidator validator, IAntiforgery antiforgery, AuditLog audit, TimeProvider clock)
    {
        var validation = validator.Validate(http.Request.Query);
        if (validation.Request is not { } request)
        {
            return AuthorizeEndpoint.Refuse(http, validation, audit, clock);
        }
        var tokens = antiforgery.GetAndStoreTokens(http);
        return LoginPage.Render(http, request, tokens.FormFieldName, tokens.RequestToken!);
    }

    public static async Task<IResult> SubmitAsync(HttpContext http, AuthorizeRequestValidator validator, IAntiforgery antiforgery,
        PasswordAuthenticator authenticator, LoginCompletion completion, AuditLog audit, TimeProvider clock)
    {
        var validation = validator.Validate(http.Request.Query);
        if (validation.Request is not { } request)
        {
            return AuthorizeEndpoint.Refuse(http, validation, audit, clock);
        }
        if (!http.Request.HasFormContentType)
        {
            return HtmlPage.Message(http, "Sign-in failed", "The sign-in form was not sent as a form.", 400);
        }
        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            var fresh = antiforgery.GetAndStoreTokens(http);
            return LoginPage.Render(http, request, fresh.FormFieldName, fresh.RequestToken!,
                error: "This sign-in page expired or did not come from this server. Please enter your email and password again.", statusCode: 400);
        }

        var form = await http.Request.ReadFormAsync();
        var email = form[LoginPage.EmailField].ToString().Trim();
        var password = form[LoginPage.PasswordField].ToString();
        var tokens = antiforgery.GetAndStoreTokens(http);
        IResult Again(string error, int status) => LoginPage.Render(http, request, tokens.FormFieldName, tokens.RequestToken!, email, error, status);

        if (email.Length is 0 or > 320 || password.Length is 0 or > 1024)
        {
            return Again("Enter your email address and your password.", 400);
        }

        var account = LoginAttemptLimiter.AccountKey(email);
        var (check, user) = authenticator.Attempt(http, request.Connection, email, password, entry => Described(entry, request));
        switch (check)
        {
            case PasswordCheck.Limited:
                return Again("Too many failed attempts. Your account is temporarily locked from this network; try again later.", 429);
            case PasswordCheck.IpThrottled:
                return Again(TooManyFromThisNetwork, 429);
            case PasswordCheck.UnknownUser or PasswordCheck.WrongPassword:
                return Again(WrongCredentials, 401);
            case PasswordCheck.Blocked:
                audit.Write(Described(AuditEntry.For(http, clock.GetUtcNow(), "f", "Failed login: user is blocked") with
                {
                    UserId = user!.UserId,
                    UserName = account,
                }, request));
                return Again("This account is blocked. Contact your administrator.", 403);
        }

        // Auth0's context.request.body: the form as posted, minus the secrets (the password, the CSRF token).
        var body = new JsonObject();
        foreach (var (name, value) in form)
        {
            if (name != LoginPage.PasswordField && name != tokens.FormFieldName)
            {
                body[name] = value.ToString();
            }
        }
        var login = await completion.CompleteAsync(http, request, user!, LoginKind.Password, session: null, auditUserName: account, body: body);
        if (login.Suspended is { } redirect)
        {
            return redirect;
        }
        if (login.Outcome.IsAllowed)
        {
            return login.ToResult(http);
        }
        // The user is looking at our page: say why here, then hand the same error to the application.
        return login.Response!.ToContinuePage(http,
            "Sign-in refused", DenialDescriptions.ForApplication(login.Outcome), $"Return to {request.Client.Name}");
    }

    /// <summary>What the login page knows about a failed attempt: the application and the connection.</summary>
    private static AuditEntry Described(AuditEntry entry, AuthorizeRequest request) => entry with
    {
        ClientId = request.Client.ClientId,
        ClientName = request.Client.Name,
        Details = new JsonObject { ["connection"] = request.Connection.Name },
    };
}
