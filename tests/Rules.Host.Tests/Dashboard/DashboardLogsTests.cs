using System.Net;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Dashboard;

public class DashboardLogsTests
{
    [Fact]
    public async Task The_outcome_filter_and_an_entry_show_which_rule_decided()
    {
        using var harness = new HostHarness();
        // One impersonation the rules allow (Priya as Jordan) and one they deny (Priya as Sam, an admin).
        await harness.CodeAsync();
        var denied = HostHarness.CallbackParameters(await harness.FollowAsync(await harness.CreateLinkAsync(HostHarness.Sam)));
        denied.Should().ContainKey("error");
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();

        var deniedOnly = await priya.PageAsync("/dashboard/logs?outcome=deny");
        deniedOnly.Should().Contain("sam.okafor@acme.example.com").And.NotContain("jordan.lee@gmail.com");

        var entry = harness.AuditEntries().Single(e => e.user_id == HostHarness.Sam && e.Details["decision"] is not null);
        var detail = WebUtility.HtmlDecode(await priya.PageAsync($"/dashboard/logs/{entry.log_id}"));
        detail.Should().Contain("Denied by the rule “Never impersonate an administrator”").And.Contain("Time per rule");
    }

    [Fact]
    public async Task Filters_by_impersonator_and_application_and_rejects_a_bad_date()
    {
        using var harness = new HostHarness();
        await harness.CodeAsync();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();

        var byImpersonator = await priya.PageAsync($"/dashboard/logs?impersonator_id={Uri.EscapeDataString(HostHarness.Priya)}&client_id={HostHarness.PortalId}");
        byImpersonator.Should().Contain("jordan.lee@gmail.com");
        var other = await priya.PageAsync($"/dashboard/logs?impersonator_id={Uri.EscapeDataString(HostHarness.Tom)}");
        other.Should().Contain("0 entries");

        var bad = await priya.PageAsync("/dashboard/logs?from=yesterday", HttpStatusCode.BadRequest);
        bad.Should().Contain("Expected an ISO-8601 date");
    }
}
