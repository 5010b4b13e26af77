using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Rules.Host.Tests.Dashboard;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Redirect;

/// <summary>The Dashboard's log shows a suspended login, the login it continued into, and a continue that came too late.</summary>
public sealed class RedirectDashboardTests
{
    [Fact]
    public async Task Suspended_continued_and_expired_logins_are_in_the_log()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("ticket.js", RedirectFlowTests.TicketRule);
        using var harness = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });
        using var agent = harness.NewClient();

        async Task<string> SuspendAsync()
        {
            var followed = await harness.FollowAsync(await harness.CreateLinkAsync(), agent);
            return QueryHelpers.ParseQuery(followed.Headers.Location!.Query)["state"].ToString();
        }

        var continued = await SuspendAsync();
        HostHarness.CallbackParameters(await agent.GetAsync($"/continue?state={continued}&ticket=SUP-5")).Should().ContainKey("code");
        var late = await SuspendAsync();
        harness.Clock.Advance(TimeSpan.FromMinutes(11));
        (await agent.GetAsync($"/continue?state={late}&ticket=SUP-6")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var log = WebUtility.HtmlDecode(await priya.PageAsync("/dashboard/logs"));
        log.Should().Contain("Login suspended: rule 'ticket' redirected the browser to http://localhost:4000")
            .And.Contain("Successful login (impersonated session) (continued after a redirect)")
            .And.Contain("Login continue refused: expired");

        var suspendedOnly = WebUtility.HtmlDecode(await priya.PageAsync("/dashboard/logs?outcome=redirect"));
        suspendedOnly.Should().Contain("suspended").And.NotContain("continued after a redirect");

        var entry = harness.AuditEntries("redirect_suspended").First();
        var detail = WebUtility.HtmlDecode(await priya.PageAsync($"/dashboard/logs/{entry.log_id}"));
        detail.Should().Contain("Suspended by the rule “ticket”, which sent the browser to http://localhost:4000/ticket");
    }
}
