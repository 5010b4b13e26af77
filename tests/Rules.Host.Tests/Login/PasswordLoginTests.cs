using System.Net;
using Rules.Host.Tenant;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Login;

/// <summary>The login page: passwords, brute-force protection, CSRF, and what the rules decide about a correct password.</summary>
public sealed class PasswordLoginTests : IDisposable
{
    private readonly HostHarness _host = new(new Dictionary<string, string?>
    {
        ["Rules:Login:MaxFailedAttempts"] = "3",
        ["Rules:Login:FailedAttemptWindow"] = "00:15:00",
    });
    private readonly LoginBrowser _browser;

    public PasswordLoginTests() => _browser = new LoginBrowser(_host);

    [Theory]
    [InlineData(HostHarness.JordanEmail, "not-the-password", "fp")]
    [InlineData("nobody@example.com", LoginBrowser.Password, "fu")]
    public async Task A_wrong_password_or_an_unknown_email_shows_one_message_and_hands_nothing_out(string email, string password, string auditType)
    {
        var response = await _browser.SignInAsync(LoginBrowser.Query(), email, password);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.Location.Should().BeNull();
        (await response.Content.ReadAsStringAsync()).Should().Contain("Wrong email or password.");
        response.Headers.TryGetValues("Set-Cookie", out var cookies);
        (cookies ?? []).Should().NotContain(c => c.StartsWith("rules_session=") && !c.StartsWith("rules_session=;"));
        var entry = _host.AuditEntries(auditType).Should().ContainSingle().Subject;
        entry.user_name.Should().Be(email);
        entry.ip.Should().Be(HostHarness.ClientIp);
        _host.DecisionRecords().Should().BeEmpty("the rules run only once the password is right");
    }

    [Fact]
    public async Task After_too_many_failures_even_the_right_password_is_refused_until_the_window_passes()
    {
        for (var i = 0; i < 3; i++)
        {
            (await _browser.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail, "wrong-" + i)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var limited = await _browser.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        limited.StatusCode.Should().Be((HttpStatusCode)429);
        (await limited.Content.ReadAsStringAsync()).Should().Contain("Too many failed attempts");
        _host.AuditEntries("limit_wc").Should().ContainSingle();

        // Another account from the same address is not affected.
        (await _browser.SignInAsync(LoginBrowser.Query(), "noor.haddad@example.org")).StatusCode.Should().Be(HttpStatusCode.Redirect);

        _host.Clock.Advance(TimeSpan.FromMinutes(16));
        var later = await _browser.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        later.StatusCode.Should().Be(HttpStatusCode.Redirect);
        HostHarness.CallbackParameters(later).Should().ContainKey("code");
    }

    [Fact]
    public async Task A_successful_login_clears_the_count_of_failures()
    {
        await _browser.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail, "wrong-1");
        await _browser.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail, "wrong-2");
        (await _browser.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail)).StatusCode.Should().Be(HttpStatusCode.Redirect);

        using var fresh = new LoginBrowser(_host);
        await fresh.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail, "wrong-3");
        await fresh.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail, "wrong-4");

        (await fresh.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail)).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_post_without_the_page_s_csrf_token_is_refused()
    {
        var query = LoginBrowser.Query();
        await _browser.LoginPageAsync(query);

        var response = await _browser.Http.PostAsync("/login?" + query, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = HostHarness.JordanEmail,
            ["password"] = LoginBrowser.Password,
        }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Headers.Location.Should().BeNull();
        (await response.Content.ReadAsStringAsync()).Should().Contain("expired or did not come from this server");
        _host.DecisionRecords().Should().BeEmpty();
    }

    [Fact]
    public async Task A_csrf_token_from_another_browser_is_refused()
    {
        using var attacker = new LoginBrowser(_host);
        var attackersToken = LoginBrowser.Csrf(await attacker.LoginPageAsync(LoginBrowser.Query()));
        await _browser.LoginPageAsync(LoginBrowser.Query());

        var response = await _browser.Http.PostAsync("/login?" + LoginBrowser.Query(), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csrf"] = attackersToken,
            ["email"] = HostHarness.JordanEmail,
            ["password"] = LoginBrowser.Password,
        }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_blocked_user_is_told_so_only_after_the_right_password()
    {
        _host.Service<TenantStore>().ChangeUser(HostHarness.Noor, user => user with { Blocked = true });

        var wrong = await _browser.SignInAsync(LoginBrowser.Query(), "noor.haddad@example.org", "wrong");
        var right = await _browser.SignInAsync(LoginBrowser.Query(), "noor.haddad@example.org");

        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        right.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await right.Content.ReadAsStringAsync()).Should().Contain("blocked");
    }

    [Fact]
    public async Task A_rule_denial_is_shown_on_the_page_then_delivered_to_the_callback_with_no_code()
    {
        var response = await _browser.SignInAsync(LoginBrowser.Query(), "alex.kim@outlook.com");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var page = await response.Content.ReadAsStringAsync();
        page.Should().Contain("Sign-in refused").And.Contain("Please verify your email before logging in.");
        var link = System.Text.RegularExpressions.Regex.Match(page, "<a class=\"button\" href=\"([^\"]+)\"").Groups[1].Value;
        var callback = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(WebUtility.HtmlDecode(link)).Query);
        WebUtility.HtmlDecode(link).Should().StartWith(HostHarness.PortalCallback + "?");
        callback["error"].ToString().Should().Be("unauthorized");
        callback["error_description"].ToString().Should().Be("Please verify your email before logging in.");
        callback["state"].ToString().Should().Be("st-1");
        callback.Should().NotContainKey("code");

        var entry = _host.AuditEntries("f").Should().ContainSingle().Subject;
        entry.user_id.Should().Be(HostHarness.Alex);
        entry.Details["rule"]!.GetValue<string>().Should().Be("Force email verification");
        var record = _host.DecisionRecords().Should().ContainSingle().Subject;
        record["kind"]!.GetValue<string>().Should().Be("login");
        record["id"]!.GetValue<string>().Should().Be(entry.Details["decision_id"]!.GetValue<string>());
        _host.Scalar<long>("SELECT COUNT(*) FROM sessions").Should().Be(0, "a denied login starts no SSO session");
    }

    [Fact]
    public async Task The_rules_see_the_login_counted_and_the_password_method_and_their_metadata_changes_are_kept()
    {
        var store = _host.Service<TenantStore>();
        var before = store.GetUser(HostHarness.Jordan)!;

        await _browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);

        var record = _host.DecisionRecords().Should().ContainSingle().Subject;
        var transaction = record["transaction"]!;
        transaction["context"]!["stats"]!["loginsCount"]!.GetValue<long>().Should().Be(before.LoginsCount + 1);
        transaction["context"]!["authentication"]!["methods"]![0]!["name"]!.GetValue<string>().Should().Be("pwd");
        transaction["context"]!["sso"]!["with_auth0"]!.GetValue<bool>().Should().BeFalse();
        transaction["user"]!.AsObject().ContainsKey("impersonated").Should().BeFalse();
        transaction["user"]!.AsObject().ContainsKey("impersonator").Should().BeFalse();
        var after = store.GetUser(HostHarness.Jordan)!;
        after.LoginsCount.Should().Be(before.LoginsCount + 1);
        after.Profile["app_metadata"]!["visits"]!.GetValue<long>().Should().Be(before.Profile["app_metadata"]!["visits"]!.GetValue<long>() + 1);
        _host.AuditEntries("s").Should().ContainSingle().Which.Details["decision_id"]!.GetValue<string>().Should().Be(record["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_denied_login_is_counted_but_its_metadata_changes_are_not_applied()
    {
        var store = _host.Service<TenantStore>();
        var rules = _host.Service<Rules.Host.RuleSets.RuleSetProvider>();
        // The sample rule set counts visits last; put a rule that denies after it, so a metadata update is requested.
        _host.Execute("""INSERT INTO rules(id, name, script, "order", enabled, updated_at) VALUES ('rul_deny_last', 'Deny last', 'function (user, context, callback) { callback(new UnauthorizedError("closed for maintenance")); }', 100, 1, '2026-01-01T00:00:00.0000000Z')""");
        rules.Reload();
        var before = store.GetUser(HostHarness.Jordan)!;

        var response = await _browser.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail);

        (await response.Content.ReadAsStringAsync()).Should().Contain("closed for maintenance");
        _host.DecisionRecords().Single()["outcome"]!["metadataUpdates"]!.AsArray().Should().NotBeEmpty();
        var after = store.GetUser(HostHarness.Jordan)!;
        after.LoginsCount.Should().Be(before.LoginsCount + 1);
        after.Profile["app_metadata"]!.ToJsonString().Should().Be(before.Profile["app_metadata"]!.ToJsonString());
    }

    public void Dispose()
    {
        _browser.Dispose();
        _host.Dispose();
    }
}
