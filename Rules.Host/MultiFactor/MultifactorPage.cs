using System.Text;
using Rules.Host.Hosting;
using Rules.Host.Login;

namespace Rules.Host.MultiFactor;

/// <summary>The challenge pages: enrol an authenticator app (QR code), enter a code, and the recovery codes shown once.</summary>
public static class MultifactorPage
{
    public const string CodeField = "code";
    public const string RememberField = "remember";

    private const string Styles = """
        <style>
        input[type=text]{width:100%;padding:.6rem .7rem;font:inherit;border:1px solid #8d96a5;border-radius:.3rem;letter-spacing:.1em}
        .qr{display:block;margin:1rem auto;width:14rem;height:14rem}.qr svg{width:100%;height:100%}
        code.secret{display:block;word-break:break-all;padding:.5rem;background:#f4f5f7;border-radius:.3rem;font-size:.95rem}
        ol.codes{font-family:ui-monospace,monospace;font-size:1.05rem;columns:2;padding-left:1.5rem}
        label.check{display:flex;gap:.5rem;align-items:center;font-weight:400}
        </style>
        """;

    public static IResult Enroll(HttpContext http, AuthorizeRequest request, string qrSvg, string secret, bool allowRemember, string csrfField, string csrfToken,
        string? error = null, int statusCode = 200)
    {
        var body = $"""
            {Styles}
            <h1>Set up two-step verification</h1>
            <p class="app">{HtmlPage.Encode(request.Client.Name)} asks for a second step when you sign in.</p>
            <p>Scan this code with an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, ...).</p>
            <div class="qr" aria-hidden="true">{qrSvg}</div>
            <p>Or enter this key by hand:</p>
            <code class="secret" id="totp-secret">{HtmlPage.Encode(secret)}</code>
            {Error(error)}
            {Form(http, csrfField, csrfToken, "Enter the 6-digit code the app shows", allowRemember, "Verify and continue", error is not null)}
            """;
        return HtmlPage.Render(http, "Set up two-step verification", body, statusCode, CallbackOrigin(request));
    }

    public static IResult Challenge(HttpContext http, AuthorizeRequest request, bool allowRemember, string csrfField, string csrfToken,
        string? error = null, int statusCode = 200)
    {
        var body = $"""
            {Styles}
            <h1>Two-step verification</h1>
            <p class="app">to continue to <strong>{HtmlPage.Encode(request.Client.Name)}</strong></p>
            {Error(error)}
            {Form(http, csrfField, csrfToken, "Enter the 6-digit code from your authenticator app, or a recovery code", allowRemember, "Continue", error is not null)}
            """;
        return HtmlPage.Render(http, "Two-step verification", body, statusCode, CallbackOrigin(request));
    }

    public static IResult RecoveryCodes(HttpContext http, AuthorizeRequest request, IReadOnlyList<string> codes, string csrfField, string csrfToken)
    {
        var list = new StringBuilder();
        foreach (var code in codes)
        {
            list.Append("<li>").Append(HtmlPage.Encode(code)).Append("</li>");
        }
        var action = "/login/mfa/continue" + http.Request.QueryString.Value;
        var body = $"""
            {Styles}
            <h1>Save your recovery codes</h1>
            <p>Each code signs you in once if you lose your authenticator app. They are shown only now: keep them somewhere safe.</p>
            <ol class="codes" id="recovery-codes">{list}</ol>
            <form method="post" action="{HtmlPage.Encode(action)}">
            <input type="hidden" name="{HtmlPage.Encode(csrfField)}" value="{HtmlPage.Encode(csrfToken)}">
            <button type="submit">I saved them, continue</button>
            </form>
            """;
        return HtmlPage.Render(http, "Save your recovery codes", body, 200, CallbackOrigin(request));
    }

    /// <summary>
    /// These forms end in a redirect to the application's callback, and CSP's form-action also governs where a form
    /// submission may be redirected: the callback's origin is allowed besides 'self'.
    /// </summary>
    private static string CallbackOrigin(AuthorizeRequest request) => new Uri(request.RedirectUri).GetLeftPart(UriPartial.Authority);

    private static string Error(string? error) => error is null ? "" : $"<p class=\"error\" role=\"alert\" id=\"mfa-error\">{HtmlPage.Encode(error)}</p>";

    private static string Form(HttpContext http, string csrfField, string csrfToken, string label, bool allowRemember, string button, bool hasError)
    {
        var action = "/login/mfa" + http.Request.QueryString.Value;
        var remember = allowRemember
            ? $"<label class=\"check\"><input type=\"checkbox\" name=\"{RememberField}\" value=\"true\"> Remember this browser</label>"
            : "";
        return $"""
            <form method="post" action="{HtmlPage.Encode(action)}" novalidate>
            <input type="hidden" name="{HtmlPage.Encode(csrfField)}" value="{HtmlPage.Encode(csrfToken)}">
            <label for="code">{HtmlPage.Encode(label)}</label>
            <input type="text" id="code" name="{CodeField}" autocomplete="one-time-code" inputmode="text" required autofocus maxlength="32"{(hasError ? " aria-describedby=\"mfa-error\"" : "")}>
            {remember}
            <button type="submit">{HtmlPage.Encode(button)}</button>
            </form>
            """;
    }
}
