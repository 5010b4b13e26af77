using System.Net;
using Rules.Host.Management;
using Rules.Host.RuleSets;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.Dashboard;

public class DashboardRulesTests
{
    private const string NoAdmins = "Never impersonate an administrator";
    private const string BusinessHours = "Impersonation only during support business hours";

    private static StoredRule Rule(HostHarness harness, string name) => harness.Service<RuleStore>().List().Single(r => r.Name == name);

    [Fact]
    public async Task Disabling_a_rule_takes_it_out_of_the_live_pipeline_and_is_audited()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var rule = Rule(harness, BusinessHours);
        var csrf = LoginBrowser.Csrf(await priya.PageAsync("/dashboard/rules"));

        var response = await priya.PostFormAsync($"/dashboard/rules/{rule.Id}/enabled", new() { ["csrf"] = csrf, ["enabled"] = "false" });

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        harness.Service<RuleSetProvider>().Current!.RuleSet.RuleSet.Rules.Single(r => r.Name == BusinessHours).Enabled.Should().BeFalse();
        harness.AuditEntries("dashboard_action").Should().ContainSingle(e => e.Details["action"]!.GetValue<string>() == "rule_disabled")
            .Which.user_id.Should().Be(HostHarness.Priya);
    }

    [Fact]
    public async Task A_change_without_the_csrf_token_changes_nothing()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var rule = Rule(harness, BusinessHours);
        var version = harness.Service<RuleSetProvider>().Current!.Version;

        var response = await priya.PostFormAsync($"/dashboard/rules/{rule.Id}/enabled", new() { ["enabled"] = "false" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("CSRF token");
        harness.Service<RuleSetProvider>().Current!.Version.Should().Be(version);
        Rule(harness, BusinessHours).Enabled.Should().BeTrue();
    }

    [Fact]
    public async Task Moving_a_rule_up_swaps_it_with_the_one_above_in_one_version()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var before = harness.Service<RuleStore>().List().Select(r => r.Name).ToList();
        var csrf = LoginBrowser.Csrf(await priya.PageAsync("/dashboard/rules"));

        var response = await priya.PostFormAsync($"/dashboard/rules/{Rule(harness, NoAdmins).Id}/move", new() { ["csrf"] = csrf, ["direction"] = "up" });

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var after = harness.Service<RuleStore>().List().Select(r => r.Name).ToList();
        after[0].Should().Be(NoAdmins);
        after[1].Should().Be(before[0]);
        after.Skip(2).Should().Equal(before.Skip(2));
    }

    [Fact]
    public async Task Saving_a_script_that_does_not_compile_shows_line_and_column_and_saves_nothing()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var rule = Rule(harness, NoAdmins);
        var csrf = LoginBrowser.Csrf(await priya.PageAsync($"/dashboard/rules/{rule.Id}"));

        var response = await priya.PostFormAsync($"/dashboard/rules/{rule.Id}", new()
        {
            ["csrf"] = csrf, ["script"] = "function (user, context, callback) {\n  var x = ;\n}",
        });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("line 2, column").And.Contain("Not saved").And.Contain("var x = ;");
        Rule(harness, NoAdmins).Script.Should().Be(rule.Script);
    }

    [Fact]
    public async Task A_saved_script_is_live_when_the_page_comes_back()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var rule = Rule(harness, NoAdmins);
        var csrf = LoginBrowser.Csrf(await priya.PageAsync($"/dashboard/rules/{rule.Id}"));
        const string script = "function (user, context, callback) {\n  callback(null, user, context);\n}";

        var response = await priya.PostFormAsync($"/dashboard/rules/{rule.Id}", new() { ["csrf"] = csrf, ["script"] = script });

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        harness.Service<RuleSetProvider>().Current!.RuleSet.RuleSet.Rules.Single(r => r.Name == NoAdmins).Script.Should().Be(script);
        // The change's own entry, written with it: the operator, and the diff of what they replaced.
        var change = harness.AuditEntries("rule_updated").Should().ContainSingle().Subject;
        change.user_id.Should().Be(HostHarness.Priya);
        change.Details["actor"]!["kind"]!.GetValue<string>().Should().Be("operator");
        change.Details["diff"]!.GetValue<string>().Should().Contain($"--- a/rules/{NoAdmins}.js\n+++ b/rules/{NoAdmins}.js\n@@").And.Contain("\n-");
    }

    [Fact]
    public async Task Trying_the_no_admin_rule_on_an_impersonated_sam_is_a_denial_and_leaves_live_state_alone()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var rule = Rule(harness, NoAdmins);
        var page = await priya.PageAsync($"/dashboard/rules/{rule.Id}");
        var sample = await priya.Http.GetStringAsync(
            $"/dashboard/api/rules/sample?user_id={Uri.EscapeDataString(HostHarness.Sam)}&client_id={HostHarness.PortalId}&impersonator_id={Uri.EscapeDataString(HostHarness.Priya)}");
        var version = harness.Service<RuleSetProvider>().Current!.Version;
        var logins = harness.Scalar<long>("SELECT COUNT(*) FROM decision_log");

        var response = await priya.PostJsonAsync($"/dashboard/api/rules/{rule.Id}/try",
            new { script = rule.Script, scope = "rule", transaction = System.Text.Json.Nodes.JsonNode.Parse(sample) }, DashboardClient.MetaCsrf(page));

        var outcome = (await DashboardClient.JsonAsync(response, HttpStatusCode.OK))["outcome"]!;
        outcome["decision"]!.GetValue<string>().Should().Be("deny");
        outcome["rule"]!.GetValue<string>().Should().Be(NoAdmins);
        outcome["user"]!["impersonated"]!.GetValue<bool>().Should().BeTrue();
        harness.Service<RuleSetProvider>().Current!.Version.Should().Be(version);
        harness.Scalar<long>("SELECT COUNT(*) FROM decision_log").Should().Be(logins, "a trial is not a login");
        harness.AuditEntries("dashboard_action").Should().Contain(e => e.Details["action"]!.GetValue<string>() == "try_rule"
            && e.Details["decision"]!.GetValue<string>() == "deny");
    }

    [Fact]
    public async Task Trying_a_script_that_does_not_compile_answers_its_line_and_column()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var rule = Rule(harness, NoAdmins);
        var page = await priya.PageAsync($"/dashboard/rules/{rule.Id}");

        var response = await priya.PostJsonAsync($"/dashboard/api/rules/{rule.Id}/try",
            new { script = "function (user, context, callback) {\n  var x = ;\n}", scope = "pipeline", transaction = new { user = new { user_id = "auth0|x" } } },
            DashboardClient.MetaCsrf(page));

        var error = (await DashboardClient.JsonAsync(response, HttpStatusCode.BadRequest))["compile_errors"]!.AsArray().Single()!;
        error["line"]!.GetValue<int>().Should().Be(2);
        error["rule"]!.GetValue<string>().Should().Be(NoAdmins);
    }

    [Fact]
    public async Task A_trial_without_the_csrf_header_is_refused()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var rule = Rule(harness, NoAdmins);
        var response = await priya.PostJsonAsync($"/dashboard/api/rules/{rule.Id}/try",
            new { script = rule.Script, transaction = new { user = new { user_id = "auth0|x" } } }, csrf: null);
        (await DashboardClient.JsonAsync(response, HttpStatusCode.BadRequest))["errorCode"]!.GetValue<string>().Should().Be("invalid_csrf_token");
    }
}
