using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Dashboard;

public class DashboardSignInTests
{
    [Theory]
    [InlineData("/dashboard/users")]
    [InlineData("/dashboard/users/auth0%7C63f2a9c1d4e5b6a7c8d9e0f1")]
    [InlineData("/dashboard/rules")]
    [InlineData("/dashboard/logs")]
    public async Task Pages_send_an_anonymous_visitor_to_the_sign_in_page(string path)
    {
        using var harness = new HostHarness();
        var response = await harness.Client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.PathAndQuery.Should().StartWith("/dashboard/login?returnUrl=");
    }

    [Fact]
    public async Task The_fetch_endpoints_answer_401_json_without_a_session()
    {
        using var harness = new HostHarness();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/dashboard/api/users/{Uri.EscapeDataString(HostHarness.Jordan)}/impersonate")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { client_id = HostHarness.PortalId }),
        };
        var response = await harness.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Sign in to the Dashboard first");
        harness.AuditEntries("impersonation_requested").Should().BeEmpty();
    }

    [Fact]
    public async Task A_support_agent_signs_in_with_a_strict_http_only_secure_cookie_and_it_is_audited()
    {
        using var harness = new HostHarness();
        using var https = harness.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var page = await https.GetStringAsync("/dashboard/login");
        var response = await https.PostAsync("/dashboard/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csrf"] = Login.LoginBrowser.Csrf(page), ["email"] = HostHarness.PriyaEmail, ["password"] = DashboardClient.Password, ["returnUrl"] = "/dashboard/rules",
        }));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Be("/dashboard/rules");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("rules_dashboard=", StringComparison.Ordinal)).ToLowerInvariant();
        cookie.Should().Contain("httponly").And.Contain("samesite=strict").And.Contain("secure").And.Contain("path=/dashboard").And.NotContain("expires");
        harness.AuditEntries("dashboard_login").Should().ContainSingle().Which.user_id.Should().Be(HostHarness.Priya);
        (await https.GetAsync("/dashboard/rules")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Someone_who_is_not_an_operator_is_told_so_only_after_the_right_password()
    {
        using var harness = new HostHarness();
        using var tom = new DashboardClient(harness);

        var wrong = await tom.SignInAsync(DashboardClient.TomEmail, "not-the-password");
        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await wrong.Content.ReadAsStringAsync()).Should().Contain("Wrong email or password.").And.NotContain("may not use the Dashboard");

        var right = await tom.SignInAsync(DashboardClient.TomEmail);
        right.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await right.Content.ReadAsStringAsync()).Should().Contain("may not use the Dashboard").And.Contain("tenant.dashboard.operators");
        var cookies = right.Headers.TryGetValues("Set-Cookie", out var set) ? set : [];
        cookies.Should().NotContain(c => c.StartsWith("rules_dashboard=", StringComparison.Ordinal), "no session for a non-operator");
        harness.AuditEntries("dashboard_login_failed").Should().ContainSingle().Which.user_id.Should().Be(HostHarness.Tom);
    }

    [Fact]
    public async Task Failed_passwords_count_towards_the_login_pages_brute_force_limit()
    {
        using var harness = new HostHarness(new Dictionary<string, string?> { ["Rules:Login:MaxFailedAttempts"] = "2" });
        using var attacker = new DashboardClient(harness);
        (await attacker.SignInAsync(password: "guess-1")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await attacker.SignInAsync(password: "guess-2")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var limited = await attacker.SignInAsync();
        limited.StatusCode.Should().Be((HttpStatusCode)429);
        harness.AuditEntries("fp").Should().HaveCount(2).And.OnlyContain(e => e.Details["surface"]!.GetValue<string>() == "dashboard");
    }

    [Fact]
    public async Task A_successful_sign_in_clears_the_count_of_failures()
    {
        using var harness = new HostHarness(new Dictionary<string, string?> { ["Rules:Login:MaxFailedAttempts"] = "2" });
        using var priya = new DashboardClient(harness);
        (await priya.SignInAsync(password: "guess-1")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await priya.SignInAsync()).StatusCode.Should().Be(HttpStatusCode.Redirect);

        using var again = new DashboardClient(harness);
        (await again.SignInAsync(password: "guess-2")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        (await again.SignInAsync()).StatusCode.Should().Be(HttpStatusCode.Redirect, "one failure since the last success is under the limit of 2");
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/dashboard/")]
    [InlineData("/dashboard/../oauth/token")]
    public async Task After_sign_in_only_a_dashboard_path_is_followed(string returnUrl)
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        var response = await priya.SignInAsync(returnUrl: returnUrl);
        response.Headers.Location!.ToString().Should().Be("/dashboard/users");
    }

    [Fact]
    public async Task An_operator_blocked_during_a_session_is_signed_out_on_the_next_request()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        await priya.PageAsync("/dashboard/users");

        harness.Execute("UPDATE users SET blocked = 1 WHERE user_id = @id", new { id = HostHarness.Priya });

        var response = await priya.Http.GetAsync("/dashboard/users");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.PathAndQuery.Should().StartWith("/dashboard/login");
    }

    [Fact]
    public async Task Pages_forbid_inline_scripts_and_framing()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var response = await priya.Http.GetAsync("/dashboard/users");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.Should().Contain("script-src 'self'").And.Contain("frame-ancestors 'none'").And.NotContain("unsafe-inline");
        var html = await response.Content.ReadAsStringAsync();
        html.Should().NotContain("<script>").And.NotContain(" style=\"");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
    }

    [Fact]
    public async Task Signing_out_needs_the_csrf_token_and_ends_the_session()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var page = await priya.PageAsync("/dashboard/users");

        (await priya.PostFormAsync("/dashboard/logout", [])).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await priya.Http.GetAsync("/dashboard/users")).StatusCode.Should().Be(HttpStatusCode.OK);

        var signOut = await priya.PostFormAsync("/dashboard/logout", new() { ["csrf"] = Login.LoginBrowser.Csrf(page) });
        signOut.Headers.Location!.ToString().Should().Be("/dashboard/login");
        (await priya.Http.GetAsync("/dashboard/users")).StatusCode.Should().Be(HttpStatusCode.Redirect);
        harness.AuditEntries("dashboard_logout").Should().ContainSingle();
    }
}
