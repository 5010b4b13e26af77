using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Rules.Host.RuleSets;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.Redirect;

/// <summary>A rule redirects a login mid-way; the browser comes back to /continue; the login completes once, or is refused with a page.</summary>
public sealed class RedirectFlowTests : IDisposable
{
    public const string TicketRule = """
        function (user, context, callback) {
          if (context.protocol === 'redirect-callback') {
            var ticket = context.request.body.ticket || context.request.query.ticket;
            if (!ticket) return callback(new UnauthorizedError('a support ticket is required'));
            context.idToken['https://rules.example.com/ticket'] = ticket;
            return callback(null, user, context);
          }
          if (context.request.query.ask === '1' || user.impersonated) {
            context.redirect = { url: 'http://localhost:4000/ticket' };
          }
          callback(null, user, context);
        }
        """;

    private const string FormUrl = "http://localhost:4000/ticket";

    private readonly TempRulesDirectory _rules = new();
    private readonly HostHarness _host;
    private readonly LoginBrowser _browser;

    public RedirectFlowTests()
    {
        _rules.Write("ticket.js", TicketRule);
        _host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = _rules.Rules });
        _browser = new LoginBrowser(_host);
    }

    public void Dispose()
    {
        _browser.Dispose();
        _host.Dispose();
        _rules.Dispose();
    }

    private static string AskingQuery() => LoginBrowser.Query(extra: ("ask", "1"));

    /// <summary>Signs in with a rule that redirects; returns the state the form page got.</summary>
    private async Task<string> SuspendedLoginAsync(LoginBrowser? browser = null)
    {
        var response = await (browser ?? _browser).SignInAsync(AskingQuery(), HostHarness.JordanEmail);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var location = response.Headers.Location!.ToString();
        location.Should().StartWith(FormUrl + "?state=");
        return QueryHelpers.ParseQuery(new Uri(location).Query)["state"].ToString();
    }

    private Task<HttpResponseMessage> ContinueAsync(string state, string ticket = "SUP-42", HttpClient? client = null) =>
        (client ?? _browser.Http).GetAsync($"/continue?state={Uri.EscapeDataString(state)}&ticket={ticket}");

    private int Codes() => (int)_host.Scalar<long>("SELECT COUNT(*) FROM authorization_codes");

    [Fact]
    public async Task A_redirect_suspends_the_login_binds_it_to_the_browser_and_hands_nothing_out()
    {
        var response = await _browser.SignInAsync(AskingQuery(), HostHarness.JordanEmail);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().MatchRegex(@"^http://localhost:4000/ticket\?state=[A-Za-z0-9_-]{43}$");
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        cookies.Should().Contain(c => c.StartsWith("rules_continue=") && c.Contains("path=/continue") && c.Contains("httponly"));
        cookies.Should().NotContain(c => c.StartsWith("rules_session="), "no session starts before the login completes");
        Codes().Should().Be(0);
        var entry = _host.AuditEntries("redirect_suspended").Should().ContainSingle().Subject;
        entry.user_id.Should().Be(HostHarness.Jordan);
        entry.Details["rule"]!.GetValue<string>().Should().Be("ticket");
        entry.Details["decision"]!.GetValue<string>().Should().Be("redirect");
        entry.Details["redirect_url"]!.GetValue<string>().Should().Be(FormUrl);
        _host.DecisionRecords().Single()["outcome"]!["decision"]!.GetValue<string>().Should().Be("redirect");
    }

    [Fact]
    public async Task The_continue_runs_the_rules_again_and_completes_the_login_once()
    {
        var state = await SuspendedLoginAsync();

        var callback = HostHarness.CallbackParameters(await ContinueAsync(state));

        callback["state"].Should().Be("st-1", "the application's own state comes back");
        var tokens = await _browser.ExchangeAsync(callback["code"]);
        LoginBrowser.Payload(tokens["id_token"]!.GetValue<string>())["https://rules.example.com/ticket"]!.GetValue<string>().Should().Be("SUP-42");
        var entry = _host.AuditEntries("s").Should().ContainSingle().Subject;
        entry.description.Should().Contain("continued after a redirect");
        entry.Details["continued"]!["rule"]!.GetValue<string>().Should().Be("ticket");
        _host.DecisionRecords().Select(r => r["outcome"]!["decision"]!.GetValue<string>()).Should().Equal("redirect", "allow");
        Codes().Should().Be(1);
    }

    [Fact]
    public async Task A_posted_continue_reads_the_form()
    {
        var state = await SuspendedLoginAsync();

        var response = await _browser.Http.PostAsync("/continue", new FormUrlEncodedContent(new Dictionary<string, string> { ["state"] = state, ["ticket"] = "SUP-7" }));

        var tokens = await _browser.ExchangeAsync(HostHarness.CallbackParameters(response)["code"]);
        LoginBrowser.Payload(tokens["id_token"]!.GetValue<string>())["https://rules.example.com/ticket"]!.GetValue<string>().Should().Be("SUP-7");
    }

    [Fact]
    public async Task The_rules_may_still_deny_at_the_continue()
    {
        var state = await SuspendedLoginAsync();

        var callback = HostHarness.CallbackParameters(await _browser.Http.GetAsync($"/continue?state={state}"));

        callback["error"].Should().Be("unauthorized");
        callback["error_description"].Should().Be("a support ticket is required");
        Codes().Should().Be(0);
    }

    [Fact]
    public async Task A_replayed_state_is_refused_with_a_page()
    {
        var state = await SuspendedLoginAsync();
        (await ContinueAsync(state)).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var replay = await ContinueAsync(state);

        replay.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await replay.Content.ReadAsStringAsync()).Should().Contain("already continued");
        Codes().Should().Be(1);
        _host.AuditEntries("redirect_continue_refused").Single().Details["reason"]!.GetValue<string>().Should().Be("used");
    }

    [Fact]
    public async Task A_state_brought_by_another_browser_is_refused_and_stays_usable_for_the_right_one()
    {
        var state = await SuspendedLoginAsync();
        using var other = new LoginBrowser(_host);

        var stolen = await ContinueAsync(state, client: other.Http);

        stolen.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await stolen.Content.ReadAsStringAsync()).Should().Contain("another browser");
        _host.AuditEntries("redirect_continue_refused").Single().Details["reason"]!.GetValue<string>().Should().Be("other_browser");
        Codes().Should().Be(0);

        HostHarness.CallbackParameters(await ContinueAsync(state)).Should().ContainKey("code");
    }

    [Fact]
    public async Task Another_browsers_own_binding_cookie_does_not_unlock_the_state()
    {
        var state = await SuspendedLoginAsync();
        using var other = new LoginBrowser(_host);
        await SuspendedLoginAsync(other); // the other browser has a binding cookie of its own

        (await ContinueAsync(state, client: other.Http)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_expired_pending_login_is_refused()
    {
        var state = await SuspendedLoginAsync();
        _host.Clock.Advance(TimeSpan.FromMinutes(11));

        var late = await ContinueAsync(state);

        late.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await late.Content.ReadAsStringAsync()).Should().Contain("has expired");
        var refused = _host.AuditEntries("redirect_continue_refused").Single();
        refused.Details["reason"]!.GetValue<string>().Should().Be("expired");
        refused.user_id.Should().Be(HostHarness.Jordan);
        Codes().Should().Be(0);
    }

    [Fact]
    public async Task A_rule_set_changed_while_the_login_was_pending_refuses_the_continue()
    {
        var state = await SuspendedLoginAsync();
        _rules.Write("ticket.js", TicketRule.Replace("a support ticket is required", "a ticket number is required"));
        _host.Service<RuleSetProvider>().Reload();

        var response = await ContinueAsync(state);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("rules changed");
        _host.AuditEntries("redirect_continue_refused").Single().Details["reason"]!.GetValue<string>().Should().Be("rule_set_changed");
        Codes().Should().Be(0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_tampered_or_missing_state_is_refused(string state)
    {
        await SuspendedLoginAsync();

        var response = await _browser.Http.GetAsync("/continue?state=" + Uri.EscapeDataString(state));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("cannot be continued").And.NotContain("<script>alert");
        Codes().Should().Be(0);
    }

    [Fact]
    public async Task Two_continues_racing_issue_exactly_once()
    {
        var state = await SuspendedLoginAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => ContinueAsync(state))));

        responses.Count(r => r.StatusCode == HttpStatusCode.Redirect).Should().Be(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest).Should().Be(7);
        Codes().Should().Be(1);
        _host.AuditEntries("s").Should().ContainSingle();
    }

    [Fact]
    public async Task Prompt_none_with_a_rule_that_wants_to_redirect_answers_interaction_required()
    {
        HostHarness.CallbackParameters(await _browser.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail)).Should().ContainKey("code");

        var silent = await _browser.AuthorizeAsync(LoginBrowser.Query(extra: [("ask", "1"), ("prompt", "none")]));

        var callback = HostHarness.CallbackParameters(silent);
        callback["error"].Should().Be("interaction_required");
        callback["state"].Should().Be("st-1");
        _host.AuditEntries("fsa").Should().ContainSingle();
        _host.AuditEntries("redirect_suspended").Should().BeEmpty();
    }

    [Fact]
    public async Task An_sso_login_can_be_redirected_too()
    {
        HostHarness.CallbackParameters(await _browser.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail)).Should().ContainKey("code");

        var sso = await _browser.AuthorizeAsync(AskingQuery());
        sso.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var state = QueryHelpers.ParseQuery(sso.Headers.Location!.Query)["state"].ToString();

        HostHarness.CallbackParameters(await ContinueAsync(state)).Should().ContainKey("code");
        _host.AuditEntries("s").Should().HaveCount(2);
    }

    [Fact]
    public async Task An_impersonated_login_is_redirected_in_the_impersonators_browser_and_continues_to_the_links_callback()
    {
        var link = await _host.CreateLinkAsync();
        using var impersonator = new LoginBrowser(_host);

        var followed = await _host.FollowAsync(link, impersonator.Http);
        followed.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = followed.Headers.Location!.ToString();
        location.Should().StartWith(FormUrl + "?state=");
        var state = QueryHelpers.ParseQuery(new Uri(location).Query)["state"].ToString();

        // Someone else holding the continue link gets nothing.
        (await ContinueAsync(state, client: _host.Client)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var callback = HostHarness.CallbackParameters(await ContinueAsync(state, "SUP-99", impersonator.Http));
        var tokens = await _host.ExchangeAsync(callback["code"]);
        tokens.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await tokens.Content.ReadAsStringAsync();
        var idToken = LoginBrowser.Payload(System.Text.Json.Nodes.JsonNode.Parse(body)!["id_token"]!.GetValue<string>());
        idToken["https://rules.example.com/ticket"]!.GetValue<string>().Should().Be("SUP-99");
        idToken["impersonated"]!.GetValue<bool>().Should().BeTrue();
        var suspended = _host.AuditEntries("redirect_suspended").Single();
        suspended.impersonator_id.Should().Be(HostHarness.Priya);
        var entry = _host.AuditEntries("s").Single();
        entry.impersonator_id.Should().Be(HostHarness.Priya);
        entry.Details["continued"]!["pending_id"]!.GetValue<string>().Should().Be(suspended.Details["pending_id"]!.GetValue<string>());
    }
}
