namespace Rules.Host.Redirect;

/// <summary>
/// Ties a suspended login to the browser that started it: a random secret in an HttpOnly cookie, sent only to
/// /continue; the pending login stores its hash. A continue link that reaches another browser (forwarded, leaked in
/// a log or a referrer) finds no cookie, or another one, and is refused. On https the cookie is SameSite=None; Secure,
/// so a page on another site may also POST the browser back; on plain http (development) it is SameSite=Lax, which
/// browsers send on a top-level GET back to /continue and on a form posted from this server's own pages.
/// </summary>
public static class BrowserBinding
{
    public const string CookieName = "rules_continue";
    public const string CookiePath = "/continue";

    /// <summary>The browser's binding secret, made (and set on the response) when it has none yet.</summary>
    public static string Ensure(HttpContext http, TimeSpan lifetime)
    {
        var secret = Read(http) ?? OAuth.Secrets.NewSecret();
        http.Response.Cookies.Append(CookieName, secret, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = http.Request.IsHttps ? SameSiteMode.None : SameSiteMode.Lax,
            Path = CookiePath,
            MaxAge = lifetime,
            IsEssential = true,
        });
        return secret;
    }

    public static string? Read(HttpContext http) => OAuth.Secrets.FromCookie(http, CookieName);
}
