using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
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
        PasswordAuthenticator authenticator, LoginAttemptLimiter limiter, LoginCompletion completion, AuditLog audit, TimeProvider clock)
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

        var ip = http.Connection.RemoteIpAddress?.ToString();
        var account = LoginAttemptLimiter.AccountKey(email);
        if (limiter.IsLimited(email, ip))
        {
            Audit(http, audit, clock, LoginAttemptLimiter.BlockedType, "Too many failed login attempts for this account from this IP address", request, account, null);
            return Again("Too many failed attempts. Your account is temporarily locked from this network; try again later.", 429);
        }

        var (check, user) = authenticator.Check(request.Connection, email, password);
        switch (check)
        {
            case PasswordCheck.UnknownUser:
                Audit(http, audit, clock, LoginAttemptLimiter.UnknownUserType, "Wrong email or password", request, account, null);
                return Again(WrongCredentials, 401);
            case PasswordCheck.WrongPassword:
                Audit(http, audit, clock, LoginAttemptLimiter.WrongPasswordType, "Wrong email or password", request, account, user!.UserId);
                return Again(WrongCredentials, 401);
            case PasswordCheck.Blocked:
                Audit(http, audit, clock, "f", "Failed login: user is blocked", request, account, user!.UserId);
                return Again("This account is blocked. Contact your administrator.", 403);
        }

        var login = completion.Complete(http, request, user!, LoginKind.Password, session: null, auditUserName: account);
        if (login.Outcome.IsAllowed)
        {
            return AuthorizeResponse.Create(http, request.RedirectUri, request.ResponseMode, login.Response);
        }
        // The user is looking at our page: say why here, then hand the same error to the application.
        return AuthorizeResponse.ContinuePage(http, request.RedirectUri, request.ResponseMode, login.Response,
            "Sign-in refused", login.Outcome.ErrorDescription ?? "Access denied.", $"Return to {request.Client.Name}");
    }

    private static void Audit(HttpContext http, AuditLog audit, TimeProvider clock, string type, string description, AuthorizeRequest request, string account, string? userId) =>
        audit.Write(new AuditEntry
        {
            Date = clock.GetUtcNow(),
            Type = type,
            Description = description,
            ClientId = request.Client.ClientId,
            ClientName = request.Client.Name,
            UserId = userId,
            UserName = account,
            Ip = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = http.Request.Headers.UserAgent.ToString(),
            Details = new JsonObject { ["connection"] = request.Connection.Name },
        });
}
