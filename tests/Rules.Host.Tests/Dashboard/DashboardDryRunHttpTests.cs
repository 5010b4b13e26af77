using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Rules.Host.Management;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.Dashboard;

/// <summary>
/// The Dashboard's dry runs ("Try this rule", and the "Sign in as User" dialog's preview of each application) never call
/// out: a rule's HTTP calls are answered from the fixtures the operator gives, or fail inside the rule. The egress list
/// allows a loopback listener here, so a call that did leave would reach it; it must accept no connection.
/// </summary>
public sealed class DashboardDryRunHttpTests : IDisposable
{
    private const string NoAdmins = "Never impersonate an administrator";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _connections;

    public DashboardDryRunHttpTests()
    {
        _listener.Start();
        _ = CountConnectionsAsync();
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private string LookupUrl => $"http://127.0.0.1:{Port}/v2/lookup";

    private async Task CountConnectionsAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _connections);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    public void Dispose() => _listener.Stop();

    private HostHarness Harness() => new(new Dictionary<string, string?> { ["Rules:Egress:Allow:0"] = $"http://127.0.0.1:{Port}" });

    private string CrmRule => $$"""
        function (user, context, callback) {
          var request = require('request');
          request.get({ url: '{{LookupUrl}}', json: true }, function (err, response, body) {
            if (err) return callback(new UnauthorizedError('the CRM did not answer: ' + err.code));
            context.idToken['https://example.com/tier'] = body.tier;
            callback(null, user, context);
          });
        }
        """;

    private static async Task<(StoredRule Rule, string Page, JsonNode Sample)> TrialSetupAsync(HostHarness harness, DashboardClient priya)
    {
        await priya.SignedInAsync();
        var rule = harness.Service<RuleStore>().List().Single(r => r.Name == NoAdmins);
        var page = await priya.PageAsync($"/dashboard/rules/{rule.Id}");
        var sample = JsonNode.Parse(await priya.Http.GetStringAsync(
            $"/dashboard/api/rules/sample?user_id={Uri.EscapeDataString(HostHarness.Jordan)}&client_id={HostHarness.PortalId}&impersonator_id="))!;
        return (rule, page, sample);
    }

    [Fact]
    public async Task Try_this_rule_answers_the_rules_call_from_the_operators_fixture_and_shows_it()
    {
        using var harness = Harness();
        using var priya = new DashboardClient(harness);
        var (rule, page, sample) = await TrialSetupAsync(harness, priya);

        var response = await priya.PostJsonAsync($"/dashboard/api/rules/{rule.Id}/try", new
        {
            script = CrmRule, scope = "rule", transaction = sample,
            http = new[] { new { request = new { method = "GET", url = LookupUrl }, response = new { status = 200, json = new { tier = "gold" } } } },
        }, DashboardClient.MetaCsrf(page));

        var outcome = (await DashboardClient.JsonAsync(response, HttpStatusCode.OK))["outcome"]!;
        outcome["decision"]!.GetValue<string>().Should().Be("allow", outcome.ToJsonString());
        outcome["idToken"]!["https://example.com/tier"]!.GetValue<string>().Should().Be("gold");
        var call = outcome["http"]!.AsArray().Should().ContainSingle().Subject!;
        call["method"]!.GetValue<string>().Should().Be("GET");
        call["path"]!.GetValue<string>().Should().Be("/v2/lookup");
        call["status"]!.GetValue<int>().Should().Be(200);
        _connections.Should().Be(0, "a fixture answered the call");
    }

    [Fact]
    public async Task Try_this_rule_without_a_fixture_fails_the_call_inside_the_rule_and_sends_nothing()
    {
        using var harness = Harness();
        using var priya = new DashboardClient(harness);
        var (rule, page, sample) = await TrialSetupAsync(harness, priya);

        var response = await priya.PostJsonAsync($"/dashboard/api/rules/{rule.Id}/try",
            new { script = CrmRule, scope = "rule", transaction = sample }, DashboardClient.MetaCsrf(page));

        var outcome = (await DashboardClient.JsonAsync(response, HttpStatusCode.OK))["outcome"]!;
        outcome["decision"]!.GetValue<string>().Should().Be("deny");
        outcome["error_description"]!.GetValue<string>().Should().Be("the CRM did not answer: ERR_NO_FIXTURE");
        outcome["http"]!.AsArray().Single()!["error"]!.GetValue<string>().Should().Contain("ERR_NO_FIXTURE");
        _connections.Should().Be(0);
    }

    [Fact]
    public async Task Malformed_fixtures_are_refused_with_the_reason_and_nothing_runs()
    {
        using var harness = Harness();
        using var priya = new DashboardClient(harness);
        var (rule, page, sample) = await TrialSetupAsync(harness, priya);

        var response = await priya.PostJsonAsync($"/dashboard/api/rules/{rule.Id}/try", new
        {
            script = CrmRule, scope = "rule", transaction = sample,
            http = new[] { new { request = new { url = "/v2/lookup" }, response = new { status = 200 } } },
        }, DashboardClient.MetaCsrf(page));

        var error = await DashboardClient.JsonAsync(response, HttpStatusCode.BadRequest);
        error["errorCode"]!.GetValue<string>().Should().Be("invalid_http_fixtures");
        error["message"]!.GetValue<string>().Should().Contain("http[0]: request.url must be an absolute http or https URL");
        harness.AuditEntries("dashboard_action").Should().NotContain(e => e.Details["action"]!.GetValue<string>() == "try_rule");
    }

    [Fact]
    public async Task The_sign_in_as_user_preview_runs_a_live_http_rule_without_calling_out()
    {
        using var harness = Harness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var rule = harness.Service<RuleStore>().List().Single(r => r.Name == NoAdmins);
        var csrf = LoginBrowser.Csrf(await priya.PageAsync($"/dashboard/rules/{rule.Id}"));
        (await priya.PostFormAsync($"/dashboard/rules/{rule.Id}", new() { ["csrf"] = csrf, ["script"] = CrmRule }))
            .StatusCode.Should().Be(HttpStatusCode.Redirect, "the rule is saved and live");

        var page = await priya.PageAsync($"/dashboard/users/{Uri.EscapeDataString(HostHarness.Jordan)}");

        page.Should().Contain("id=\"impersonate-open\"").And.Contain("the CRM did not answer: ERR_NO_FIXTURE");
        _connections.Should().Be(0, "a preview is a dry run: the rule's call fails inside it");
    }
}
