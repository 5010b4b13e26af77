using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Login;

/// <summary>
/// A standard OpenID Connect client signs a user in against this server: an ASP.NET Core app with the stock
/// OpenIdConnect handler, configured only with the authority (it reads the discovery document and the JWKS), the
/// Admin Console's client id and secret, the code flow and PKCE. The test plays the browser between the two.
/// </summary>
public sealed partial class OpenIdConnectClientTests : IAsyncLifetime
{
    private const string AppOrigin = "http://localhost:3001";   // the Admin Console's registered callback is {AppOrigin}/callback

    // The handler validates token lifetimes against the real clock, so the server runs on it too.
    private readonly HostHarness _host = new(now: DateTimeOffset.UtcNow);
    private WebApplication _app = null!;
    private readonly CookieContainer _cookies = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest)
            .AddOpenIdConnect(options =>
            {
                options.Authority = HostHarness.Issuer;
                options.RequireHttpsMetadata = false;
                options.BackchannelHttpHandler = _host.App.Server.CreateHandler();
                options.ClientId = HostHarness.AdminConsoleId;
                options.ClientSecret = HostHarness.AdminConsoleSecret;
                options.ResponseType = "code";
                options.UsePkce = true;
                options.CallbackPath = "/callback";
                options.Scope.Add("email");
                options.MapInboundClaims = false;
                options.SaveTokens = true;
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            });
        _app = builder.Build();
        _app.UseAuthentication();
        _app.MapGet("/", async (HttpContext context) =>
        {
            if (context.User.Identity?.IsAuthenticated != true)
            {
                return Results.Challenge();
            }
            var idToken = await context.GetTokenAsync("id_token");
            var claims = string.Join("\n", context.User.Claims.Select(c => $"{c.Type}={c.Value}"));
            return Results.Text($"{claims}\nid_token={idToken}");
        });
        await _app.StartAsync();
    }

    [Fact]
    public async Task The_aspnet_core_openidconnect_handler_signs_a_user_in_with_the_code_flow_and_pkce()
    {
        var toAuthorize = await SendAsync(HttpMethod.Get, AppOrigin + "/");
        toAuthorize.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var authorize = toAuthorize.Headers.Location!;
        authorize.GetLeftPart(UriPartial.Path).Should().Be(HostHarness.Issuer + "authorize", "the handler found the endpoint in the discovery document");
        authorize.Query.Should().Contain("code_challenge_method=S256").And.Contain("response_mode=form_post");

        var toLogin = await SendAsync(HttpMethod.Get, authorize.ToString());
        toLogin.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var loginUrl = new Uri(new Uri(HostHarness.Issuer), toLogin.Headers.Location!);
        var page = await (await SendAsync(HttpMethod.Get, loginUrl.ToString())).Content.ReadAsStringAsync();

        var signedIn = await SendAsync(HttpMethod.Post, loginUrl.ToString(), new Dictionary<string, string>
        {
            ["csrf"] = LoginBrowser.Csrf(page),
            ["email"] = HostHarness.JordanEmail,
            ["password"] = LoginBrowser.Password,
        });
        signedIn.StatusCode.Should().Be(HttpStatusCode.OK, "form_post answers with a page that posts to the app");
        var (action, fields) = LoginBrowser.Form(await signedIn.Content.ReadAsStringAsync());
        action.Should().Be(AppOrigin + "/callback");

        var callback = await SendAsync(HttpMethod.Post, action, fields);
        callback.StatusCode.Should().Be(HttpStatusCode.Redirect, await callback.Content.ReadAsStringAsync());
        var home = await SendAsync(HttpMethod.Get, AppOrigin + callback.Headers.Location!.OriginalString);

        home.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await home.Content.ReadAsStringAsync();
        body.Should().Contain($"sub={HostHarness.Jordan}").And.Contain($"email={HostHarness.JordanEmail}");
        body.Should().Contain("https://rules.example.com/roles=customer", "the rules' claim reached the app through the ID token");
        body.Should().NotContain("impersonat");
        var tokenExchange = _host.AuditEntries("seacft").Should().ContainSingle().Subject;
        tokenExchange.client_id.Should().Be(HostHarness.AdminConsoleId);
        _host.AuditEntries("s").Should().ContainSingle().Which.Details["pkce"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task With_mfa_on_the_handler_signs_the_user_in_after_enrolment_and_the_first_code()
    {
        await MultiFactor.MultifactorSteps.AddRuleAsync(_host, "mfa", MultiFactor.MultifactorSteps.AlwaysForJordan);
        var authorize = (await SendAsync(HttpMethod.Get, AppOrigin + "/")).Headers.Location!;
        var loginUrl = new Uri(new Uri(HostHarness.Issuer), (await SendAsync(HttpMethod.Get, authorize.ToString())).Headers.Location!);
        var page = await (await SendAsync(HttpMethod.Get, loginUrl.ToString())).Content.ReadAsStringAsync();
        var signedIn = await SendAsync(HttpMethod.Post, loginUrl.ToString(), new Dictionary<string, string>
        {
            ["csrf"] = LoginBrowser.Csrf(page),
            ["email"] = HostHarness.JordanEmail,
            ["password"] = LoginBrowser.Password,
        });
        signedIn.StatusCode.Should().Be(HttpStatusCode.Redirect, "the rules asked for a second factor");
        var mfaUrl = new Uri(new Uri(HostHarness.Issuer), signedIn.Headers.Location!).ToString();

        var enrol = await (await SendAsync(HttpMethod.Get, mfaUrl)).Content.ReadAsStringAsync();
        var code = Rules.Host.MultiFactor.Totp.Compute(MultiFactor.MultifactorSteps.SecretOn(enrol), DateTimeOffset.UtcNow);
        var codesPage = await (await SendAsync(HttpMethod.Post, mfaUrl, new Dictionary<string, string> { ["csrf"] = LoginBrowser.Csrf(enrol), ["code"] = code }))
            .Content.ReadAsStringAsync();
        var continued = await SendAsync(HttpMethod.Post, mfaUrl.Replace("/login/mfa?", "/login/mfa/continue?"),
            new Dictionary<string, string> { ["csrf"] = LoginBrowser.Csrf(codesPage) });
        continued.StatusCode.Should().Be(HttpStatusCode.OK, "form_post answers with a page that posts to the app");
        var (action, fields) = LoginBrowser.Form(await continued.Content.ReadAsStringAsync());

        var callback = await SendAsync(HttpMethod.Post, action, fields);
        callback.StatusCode.Should().Be(HttpStatusCode.Redirect, await callback.Content.ReadAsStringAsync());
        var home = await SendAsync(HttpMethod.Get, AppOrigin + callback.Headers.Location!.OriginalString);
        (await home.Content.ReadAsStringAsync()).Should().Contain($"sub={HostHarness.Jordan}");
    }

    /// <summary>The browser: one cookie jar for both sites, requests routed to whichever in-process server owns the origin.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, IDictionary<string, string>? form = null)
    {
        var uri = new Uri(url);
        var handler = uri.Port == 3001 ? _app.GetTestServer().CreateHandler() : _host.App.Server.CreateHandler();
        using var client = new HttpClient(handler) { BaseAddress = new Uri(uri.GetLeftPart(UriPartial.Authority)) };
        using var request = new HttpRequestMessage(method, uri);
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }
        var cookieHeader = _cookies.GetCookieHeader(uri);
        if (cookieHeader.Length > 0)
        {
            request.Headers.Add("Cookie", cookieHeader);
        }
        var response = await client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                // CookieContainer refuses SameSite=None without Secure on http; the attribute does not matter to this jar.
                _cookies.SetCookies(uri, SameSiteAttribute().Replace(setCookie, ""));
            }
        }
        return response;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _host.Dispose();
    }

    [GeneratedRegex("; ?samesite=[a-z]+", RegexOptions.IgnoreCase)]
    private static partial Regex SameSiteAttribute();
}
