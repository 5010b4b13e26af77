using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Rules.Host.Hosting;

namespace Rules.Host.MultiFactor;

/// <summary>
/// <c>allowRememberBrowser</c>: after a challenge the user may ask this browser to be remembered. The cookie is one
/// per user and browser (its name carries a hash of the user id), signed and encrypted with Data Protection,
/// with its own expiry inside (<see cref="MultifactorOptions.RememberBrowserLifetime"/>), and names the factor it was
/// earned with, so resetting the user's factor forgets every remembered browser.
/// </summary>
public sealed class RememberBrowser(IDataProtectionProvider protection, FactorStore factors, TimeProvider clock, IOptions<RulesHostOptions> options)
{
    // The expiry travels inside the protected payload and is checked against the server's TimeProvider (Data
    // Protection's time-limited protector reads the system clock instead).
    private readonly IDataProtector _protector = protection.CreateProtector("Rules.Host.MultiFactor.RememberBrowser.v1");

    public static string CookieName(string userId) =>
        "rules_mfa_rb_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId)))[..16];

    public bool IsRemembered(HttpContext http, string userId)
    {
        var cookie = http.Request.Cookies[CookieName(userId)];
        if (string.IsNullOrEmpty(cookie) || cookie.Length > 1000)
        {
            return false;
        }
        string[] parts;
        try
        {
            parts = _protector.Unprotect(cookie).Split('\n');
        }
        catch (CryptographicException)
        {
            return false;
        }
        return parts.Length == 3 && parts[0] == userId
            && long.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var expires) && clock.GetUtcNow().ToUnixTimeSeconds() < expires
            && factors.Find(userId) is { Confirmed: true } enrollment && enrollment.Id == parts[1];
    }

    public void Remember(HttpContext http, string userId)
    {
        if (factors.Find(userId) is not { Confirmed: true } enrollment)
        {
            return;
        }
        var lifetime = options.Value.Login.Multifactor.RememberBrowserLifetime;
        var expires = (clock.GetUtcNow() + lifetime).ToUnixTimeSeconds();
        var value = _protector.Protect(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{userId}\n{enrollment.Id}\n{expires}"));
        http.Response.Cookies.Append(CookieName(userId), value, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            MaxAge = lifetime,
            IsEssential = true,
        });
    }
}
