using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rules.Host.MultiFactor;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.MultiFactor;

/// <summary>What a user does at the challenge pages, acting as their authenticator app with the secret the page showed.</summary>
public static partial class MultifactorSteps
{
    public const string AlwaysForJordan = """
        function (user, context, callback) {
          if (user.email === 'jordan.lee@gmail.com') context.multifactor = { provider: 'any', allowRememberBrowser: true };
          callback(null, user, context);
        }
        """;

    /// <summary>Adds a rule (last in order) through the Management API; it is live when the call returns.</summary>
    public static async Task AddRuleAsync(HostHarness host, string name, string script)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/rules") { Content = JsonContent.Create(new JsonObject { ["name"] = name, ["script"] = script }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.ManagementTokenAsync());
        var response = await host.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    public static async Task<string> PageAsync(LoginBrowser browser, string query)
    {
        var response = await browser.Http.GetAsync("/login/mfa?" + query);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, html);
        return html;
    }

    /// <summary>Submits a code (or recovery code) with the page's CSRF token.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(LoginBrowser browser, string query, string code, bool remember = false)
    {
        var csrf = LoginBrowser.Csrf(await PageAsync(browser, query));
        var form = new Dictionary<string, string> { ["csrf"] = csrf, ["code"] = code };
        if (remember) form["remember"] = "true";
        return await browser.Http.PostAsync("/login/mfa?" + query, new FormUrlEncodedContent(form));
    }

    public static string SecretOn(string html) => WebUtility.HtmlDecode(SecretText().Match(html) is { Success: true } m
        ? m.Groups[1].Value : throw new InvalidOperationException("no secret on the page:\n" + html));

    public static IReadOnlyList<string> RecoveryCodesOn(string html) =>
        RecoveryCode().Matches(html).Select(m => m.Groups[1].Value).ToList();

    /// <summary>Password, enrolment (QR page, first code), recovery codes page, continue: returns the secret, the codes and the callback redirect.</summary>
    public static async Task<(string Secret, IReadOnlyList<string> RecoveryCodes, HttpResponseMessage Callback)> EnrollAsync(
        HostHarness host, LoginBrowser browser, string query, bool remember = false)
    {
        var signIn = await browser.SignInAsync(query, HostHarness.JordanEmail);
        signIn.StatusCode.Should().Be(HttpStatusCode.Redirect, await signIn.Content.ReadAsStringAsync());
        signIn.Headers.Location!.ToString().Should().Be("/login/mfa?" + query);

        var secret = SecretOn(await PageAsync(browser, query));
        var confirmed = await SubmitAsync(browser, query, Totp.Compute(secret, host.Clock.GetUtcNow()), remember);
        var codesPage = await confirmed.Content.ReadAsStringAsync();
        confirmed.StatusCode.Should().Be(HttpStatusCode.OK, codesPage);
        var codes = RecoveryCodesOn(codesPage);
        codes.Should().HaveCount(FactorStore.RecoveryCodeCount);

        var callback = await browser.Http.PostAsync("/login/mfa/continue?" + query,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = LoginBrowser.Csrf(codesPage) }));
        return (secret, codes, callback);
    }

    [GeneratedRegex("<code class=\"secret\" id=\"totp-secret\">([^<]*)</code>")]
    private static partial Regex SecretText();

    [GeneratedRegex("<li>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</li>")]
    private static partial Regex RecoveryCode();
}
