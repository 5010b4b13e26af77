using Rules.Host.Hosting;

namespace Rules.Host.Login;

/// <summary>The hosted login page: email and password for the application named, with the CSRF token in the form.</summary>
public static class LoginPage
{
    public const string EmailField = "email";
    public const string PasswordField = "password";

    public static IResult Render(HttpContext http, AuthorizeRequest request, string csrfField, string csrfToken, string? email = null, string? error = null, int statusCode = 200)
    {
        var action = "/login" + http.Request.QueryString.Value;
        var errorBlock = error is null ? "" : $"<p class=\"error\" role=\"alert\" id=\"login-error\">{HtmlPage.Encode(error)}</p>";
        var describedBy = error is null ? "" : " aria-describedby=\"login-error\"";
        var body = $"""
            <h1>Sign in</h1>
            <p class="app">to continue to <strong>{HtmlPage.Encode(request.Client.Name)}</strong></p>
            {errorBlock}
            <form method="post" action="{HtmlPage.Encode(action)}" novalidate>
            <input type="hidden" name="{HtmlPage.Encode(csrfField)}" value="{HtmlPage.Encode(csrfToken)}">
            <label for="email">Email address</label>
            <input type="email" id="email" name="{EmailField}" value="{HtmlPage.Encode(email)}" autocomplete="username" required autofocus maxlength="320"{describedBy}>
            <label for="password">Password</label>
            <input type="password" id="password" name="{PasswordField}" autocomplete="current-password" required maxlength="1024">
            <button type="submit">Continue</button>
            </form>
            """;
        return HtmlPage.Render(http, $"Sign in to {request.Client.Name}", body, statusCode);
    }
}
