using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Rules.Host.Hosting;
using Rules.Host.Login;

namespace Rules.Host.Dashboard;

/// <summary>
/// GET/POST /dashboard/login and POST /dashboard/logout. The password is checked by the login page's
/// <see cref="PasswordAuthenticator"/> and failures count towards the same <see cref="LoginAttemptLimiter"/> (they are
/// audited as fp/fu, as on the login page), so guessing through the Dashboard is no cheaper than through /login.
/// Whether the account is an operator is told only after the right password, so the page reveals nothing to a guesser.
/// </summary>
public static class DashboardSignInEndpoints
{
    public const string EmailField = "email";
    public const string PasswordField = "password";

    public static IResult Show(HttpContext http, string? returnUrl) => Page(http, returnUrl, email: null, error: null);

    public static async Task<IResult> SubmitAsync(HttpContext http, IAntiforgery antiforgery, OperatorDirectory operators,
        PasswordAuthenticator authenticator, DashboardAudit audit)
    {
        if (!http.Request.HasFormContentType)
        {
            return Page(http, null, null, "The sign-in form was not sent as a form.", 400);
        }
        var form = await http.Request.ReadFormAsync();
        var returnUrl = form["returnUrl"].ToString();
        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return Page(http, returnUrl, null, "This sign-in page expired or did not come from this server. Please sign in again.", 400);
        }

        var email = form[EmailField].ToString().Trim();
        var password = form[PasswordField].ToString();
        if (email.Length is 0 or > 320 || password.Length is 0 or > 1024)
        {
            return Page(http, returnUrl, email, "Enter your email address and your password.", 400);
        }

        var account = LoginAttemptLimiter.AccountKey(email);
        var details = new JsonObject { ["surface"] = "dashboard" };
        var connection = operators.ConnectionFor(email);
        if (connection is null)
        {
            return Page(http, returnUrl, email, "This tenant has no database connection, so no one can sign in with a password.", 503);
        }
        var (check, user) = authenticator.Attempt(http, connection, email, password, entry => entry with
        {
            Description = entry.Type == LoginAttemptLimiter.BlockedType
                ? "Too many failed Dashboard sign-in attempts for this account from this IP address"
                : entry.Description + " (Dashboard)",
            Details = (JsonObject)details.DeepClone(),
        });
        switch (check)
        {
            case PasswordCheck.Limited:
                return Page(http, returnUrl, email, "Too many failed attempts. This account is temporarily locked from this network; try again later.", 429);
            case PasswordCheck.IpThrottled:
                return Page(http, returnUrl, email, LoginEndpoints.TooManyFromThisNetwork, 429);
            case PasswordCheck.UnknownUser or PasswordCheck.WrongPassword:
                return Page(http, returnUrl, email, LoginEndpoints.WrongCredentials, 401);
        }

        var who = new DashboardOperator(user!.UserId, user.Email, null);
        if (check == PasswordCheck.Blocked || !operators.IsOperator(user))
        {
            audit.Write(http, DashboardAudit.SignInRefused, $"{account} is not a Dashboard operator", who, details);
            return Page(http, returnUrl, email,
                "This account may not use the Dashboard. An administrator can add it to the tenant seed's tenant.dashboard.operators or to Rules:Dashboard:Operators.", 403);
        }

        // A new cookie on every sign-in: a session identifier planted before it is never promoted.
        await http.SignInAsync(DashboardAuthentication.Scheme, DashboardOperator.ToPrincipal(user));
        // Under the account key, as the failed attempts are written, so this success clears their count.
        audit.Write(http, DashboardAudit.SignedIn, $"{account} signed in to the Dashboard", who, details, userName: account);
        return Results.Redirect(SafeReturnUrl(returnUrl));
    }

    public static async Task<IResult> SignOutAsync(HttpContext http, DashboardAudit audit)
    {
        var who = DashboardOperator.From(http.User);
        await http.SignOutAsync(DashboardAuthentication.Scheme);
        audit.Write(http, DashboardAudit.SignedOut, $"{who.Email ?? who.UserId} signed out of the Dashboard", who);
        return Results.Redirect(DashboardRoutes.Login);
    }

    /// <summary>Only a path inside the Dashboard is followed after sign-in: never another site (open redirect).</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith(DashboardRoutes.Root + "/", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.Contains('\\') && !url.Contains("/../", StringComparison.Ordinal) && Uri.IsWellFormedUriString(url, UriKind.Relative)
            ? url
            : DashboardRoutes.Users;

    private static IResult Page(HttpContext http, string? returnUrl, string? email, string? error, int statusCode = 200)
    {
        var csrf = DashboardCsrf.Token(http);
        var body = $"""
            <h1>Dashboard sign-in</h1>
            <p class="muted">For the tenant's operators. Use your own account; every action is audited.</p>
            {DashboardPage.Notice(error, "error")}
            <form method="post" action="{DashboardRoutes.Login}">
              {DashboardCsrf.Field(csrf)}
              <input type="hidden" name="returnUrl" value="{HtmlPage.Encode(SafeReturnUrl(returnUrl))}">
              <label for="email">Email</label>
              <input id="email" name="{EmailField}" type="email" autocomplete="username" required value="{HtmlPage.Encode(email)}"{(email is null ? " autofocus" : "")}>
              <label for="password">Password</label>
              <input id="password" name="{PasswordField}" type="password" autocomplete="current-password" required{(email is null ? "" : " autofocus")}>
              <button type="submit">Sign in</button>
            </form>
            """;
        return DashboardPage.Anonymous(http, "Sign in", body, statusCode);
    }
}
