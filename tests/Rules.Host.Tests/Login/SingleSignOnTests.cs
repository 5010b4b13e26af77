using System.Net;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Login;

/// <summary>The SSO session across the tenant's applications, prompt=login and prompt=none, and logout.</summary>
public sealed class SingleSignOnTests : IDisposable
{
    private readonly HostHarness _host = new();
    private readonly LoginBrowser _browser;

    public SingleSignOnTests() => _browser = new LoginBrowser(_host);

    private static string BillingQuery(params (string, string)[] extra) =>
        LoginBrowser.Query(HostHarness.BillingId, HostHarness.BillingCallback, state: "b-1", extra: extra);

    [Fact]
    public async Task After_one_login_a_second_application_signs_in_without_a_page_and_its_rules_see_the_session()
    {
        await _browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);

        var response = await _browser.AuthorizeAsync(BillingQuery());

        var callback = HostHarness.CallbackParameters(response, HostHarness.BillingCallback);
        callback["state"].Should().Be("b-1");
        var tokens = await _browser.ExchangeAsync(callback["code"], HostHarness.BillingId, HostHarness.BillingSecret, HostHarness.BillingCallback);
        LoginBrowser.Payload(tokens["id_token"]!.GetValue<string>())["sub"]!.GetValue<string>().Should().Be(HostHarness.Jordan);

        var records = _host.DecisionRecords();
        records.Should().HaveCount(2);
        var sso = records[1]["transaction"]!["context"]!["sso"]!;
        sso["with_auth0"]!.GetValue<bool>().Should().BeTrue();
        sso["with_dbconn"]!.GetValue<bool>().Should().BeTrue();
        sso["current_clients"]!.AsArray().Select(c => c!.GetValue<string>()).Should().Equal(HostHarness.PortalId);
        records[1]["transaction"]!["context"]!["sessionID"]!.GetValue<string>()
            .Should().Be(records[0]["transaction"]!["context"]!["sessionID"]!.GetValue<string>());
        records[1]["transaction"]!["context"]!["stats"]!["loginsCount"]!.GetValue<long>()
            .Should().Be(records[0]["transaction"]!["context"]!["stats"]!["loginsCount"]!.GetValue<long>() + 1);
    }

    [Fact]
    public async Task Another_browser_does_not_share_the_session()
    {
        await _browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        using var other = new LoginBrowser(_host);

        var response = await other.AuthorizeAsync(BillingQuery());

        response.Headers.Location!.ToString().Should().StartWith("/login?");
    }

    [Fact]
    public async Task Prompt_login_asks_for_the_password_even_with_a_session()
    {
        await _browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);

        var response = await _browser.AuthorizeAsync(BillingQuery(("prompt", "login")));

        response.Headers.Location!.ToString().Should().StartWith("/login?");
    }

    [Fact]
    public async Task Prompt_none_answers_from_the_session_or_with_login_required()
    {
        var without = await _browser.AuthorizeAsync(BillingQuery(("prompt", "none")));
        HostHarness.CallbackParameters(without, HostHarness.BillingCallback)["error"].Should().Be("login_required");

        await _browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        var with = await _browser.AuthorizeAsync(BillingQuery(("prompt", "none")));

        HostHarness.CallbackParameters(with, HostHarness.BillingCallback).Should().ContainKey("code");
        _host.AuditEntries("fsa").Should().ContainSingle();
        _host.AuditEntries("ssa").Should().ContainSingle();
    }

    [Fact]
    public async Task Logout_ends_the_session_and_returns_to_an_allowed_url()
    {
        await _browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);

        var logout = await _browser.Http.GetAsync($"/v2/logout?client_id={HostHarness.PortalId}&returnTo={Uri.EscapeDataString("http://localhost:3000/")}");

        logout.StatusCode.Should().Be(HttpStatusCode.Redirect);
        logout.Headers.Location!.ToString().Should().Be("http://localhost:3000/");
        (await _browser.AuthorizeAsync(BillingQuery())).Headers.Location!.ToString().Should().StartWith("/login?");
        var entry = _host.AuditEntries("slo").Should().ContainSingle().Subject;
        entry.user_id.Should().Be(HostHarness.Jordan);
        _host.Scalar<long>("SELECT COUNT(*) FROM sessions WHERE ended_at IS NOT NULL").Should().Be(1);
    }

    [Theory]
    [InlineData(HostHarness.PortalId, "https://evil.example.com/")]
    [InlineData(HostHarness.PortalId, "http://localhost:3002/")]          // another client's logout URL
    [InlineData(null, "http://localhost:3000/")]                          // no client to check it against
    public async Task Logout_never_redirects_to_a_url_the_client_does_not_allow_but_still_ends_the_session(string? clientId, string returnTo)
    {
        await _browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);

        var logout = await _browser.Http.GetAsync($"/v2/logout?returnTo={Uri.EscapeDataString(returnTo)}" + (clientId is null ? "" : $"&client_id={clientId}"));

        logout.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        logout.Headers.Location.Should().BeNull();
        (await _browser.AuthorizeAsync(BillingQuery())).Headers.Location!.ToString().Should().StartWith("/login?");
    }

    [Fact]
    public async Task Rp_initiated_logout_takes_the_client_from_the_id_token_hint_and_returns_the_state()
    {
        var callback = await _browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        var idToken = (await _browser.ExchangeAsync(callback["code"]))["id_token"]!.GetValue<string>();

        var logout = await _browser.Http.GetAsync(
            $"/oidc/logout?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString("http://localhost:3000/")}&state=bye-1");

        logout.StatusCode.Should().Be(HttpStatusCode.Redirect);
        logout.Headers.Location!.ToString().Should().Be("http://localhost:3000/?state=bye-1");
        (await _browser.AuthorizeAsync(BillingQuery())).Headers.Location!.ToString().Should().StartWith("/login?");
    }

    [Fact]
    public async Task Rp_initiated_logout_refuses_a_hint_it_did_not_sign()
    {
        var callback = await _browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        var idToken = (await _browser.ExchangeAsync(callback["code"]))["id_token"]!.GetValue<string>();
        var parts = idToken.Split('.');
        var forged = parts[0] + "." + parts[1] + "." + parts[2][..^4] + (parts[2].EndsWith("AAAA") ? "BBBB" : "AAAA");

        var logout = await _browser.Http.GetAsync(
            $"/oidc/logout?id_token_hint={forged}&post_logout_redirect_uri={Uri.EscapeDataString("http://localhost:3000/")}");

        logout.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        logout.Headers.Location.Should().BeNull();
    }

    [Fact]
    public async Task Logout_refuses_an_oversized_state_rather_than_redirect_with_it()
    {
        var logout = await _browser.Http.GetAsync(
            $"/oidc/logout?client_id={HostHarness.PortalId}&post_logout_redirect_uri={Uri.EscapeDataString("http://localhost:3000/")}&state={new string('s', 5000)}");

        logout.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        logout.Headers.Location.Should().BeNull();
    }

    [Fact]
    public async Task A_stolen_session_cookie_is_worthless_after_logout()
    {
        await _browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        var cookie = _host.Scalar<string>("SELECT id_hash FROM sessions");
        cookie.Should().NotBeNullOrEmpty();
        var login = await _browser.Http.GetAsync("/authorize?" + BillingQuery());
        login.StatusCode.Should().Be(HttpStatusCode.Redirect);

        await _browser.Http.GetAsync("/v2/logout");

        _host.Scalar<string>("SELECT ended_at FROM sessions WHERE id_hash = @cookie", new { cookie }).Should().NotBeNull();
    }

    [Fact]
    public async Task A_session_unused_past_its_idle_timeout_ends()
    {
        await _browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);

        _host.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));

        (await _browser.AuthorizeAsync(BillingQuery())).Headers.Location!.ToString().Should().StartWith("/login?");
    }

    public void Dispose()
    {
        _browser.Dispose();
        _host.Dispose();
    }
}
