using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.Redirect;

/// <summary>Rules.Samples/support-ticket served for real: the impersonator is asked for a ticket on the host's own sample form.</summary>
public sealed class SupportTicketSampleTests : IDisposable
{
    private readonly TempRulesDirectory _rules = new();
    private readonly HostHarness _host;

    public SupportTicketSampleTests()
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "Rules.Samples", "support-ticket");
        _rules.Write("require-support-ticket.js", File.ReadAllText(Path.Combine(sample, "require-support-ticket.js")));
        _rules.Write("rules.json", File.ReadAllText(Path.Combine(sample, "rules.json")).Replace("http://localhost:5000", "http://localhost"));
        _host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = _rules.Rules });
    }

    public void Dispose()
    {
        _host.Dispose();
        _rules.Dispose();
    }

    [Fact]
    public async Task The_impersonator_fills_the_sample_form_and_the_ticket_reaches_the_tokens_and_the_audit_entry()
    {
        using var impersonator = new LoginBrowser(_host);
        var followed = await _host.FollowAsync(await _host.CreateLinkAsync(), impersonator.Http);
        followed.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var form = followed.Headers.Location!.ToString();
        form.Should().StartWith("http://localhost/samples/support-ticket?state=");

        var page = await impersonator.Http.GetAsync(form);
        var html = await page.Content.ReadAsStringAsync();
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        var (action, fields) = LoginBrowser.Form(html);
        action.Should().Be("/continue");
        fields["state"].Should().Be(QueryHelpers.ParseQuery(new Uri(form).Query)["state"].ToString());
        fields["ticket"] = "SUP-1234";

        var continued = await impersonator.Http.PostAsync(action, new FormUrlEncodedContent(fields));

        var callback = HostHarness.CallbackParameters(continued);
        var exchange = await _host.ExchangeAsync(callback["code"]);
        var tokens = JsonNode.Parse(await exchange.Content.ReadAsStringAsync())!;
        var idToken = LoginBrowser.Payload(tokens["id_token"]!.GetValue<string>());
        idToken["https://rules.example.com/support_ticket"]!.GetValue<string>().Should().Be("SUP-1234");
        idToken["impersonator"]!["user_id"]!.GetValue<string>().Should().Be(HostHarness.Priya);
        var entry = _host.AuditEntries("s").Single();
        entry.Details["continued"]!["answer"]!["ticket"]!.GetValue<string>().Should().Be("SUP-1234");
        entry.Details["continued"]!["answer"]!.AsObject().ContainsKey("state").Should().BeFalse("the state is a one-time secret");
    }

    [Fact]
    public async Task Without_a_ticket_the_impersonation_is_denied_at_the_callback()
    {
        using var impersonator = new LoginBrowser(_host);
        var followed = await _host.FollowAsync(await _host.CreateLinkAsync(), impersonator.Http);
        var state = QueryHelpers.ParseQuery(followed.Headers.Location!.Query)["state"].ToString();

        var continued = await impersonator.Http.PostAsync("/continue", new FormUrlEncodedContent(new Dictionary<string, string> { ["state"] = state, ["ticket"] = "later" }));

        var callback = HostHarness.CallbackParameters(continued);
        callback["error"].Should().Be("unauthorized");
        _host.AuditEntries("f").Should().ContainSingle();
    }

    [Fact]
    public async Task The_sample_form_encodes_what_it_is_given()
    {
        var page = await _host.Client.GetAsync("/samples/support-ticket?state=%22%3E%3Cscript%3E");

        (await page.Content.ReadAsStringAsync()).Should().NotContain("\"><script>");
        page.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("form-action 'self'");
    }
}
