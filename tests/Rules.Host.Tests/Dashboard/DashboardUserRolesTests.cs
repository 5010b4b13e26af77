using System.Net;
using Rules.Host.Tenant;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.Dashboard;

/// <summary>The user page's Roles card: shows the user's roles, assigns and removes them (CSRF-checked, audited).</summary>
public sealed class DashboardUserRolesTests
{
    private const string JordanPage = "/dashboard/users/auth0%7C63f2a9c1d4e5b6a7c8d9e0f1";

    [Fact]
    public async Task An_operator_assigns_and_removes_a_role_on_the_user_page()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var roles = harness.Service<RoleStore>();
        var admin = roles.All().Single(r => r.Name == "Admin");

        var page = await priya.PageAsync(JordanPage);
        page.Should().Contain("id=\"roles-heading\"").And.Contain("id=\"no-roles\"").And.Contain($"value=\"{admin.Id}\">Admin</option>");

        var assigned = await priya.PostFormAsync(JordanPage + "/roles", new() { ["csrf"] = LoginBrowser.Csrf(page), ["assign"] = admin.Id });
        assigned.StatusCode.Should().Be(HttpStatusCode.Redirect);
        roles.NamesOf(HostHarness.Jordan).Should().Equal("Admin");
        page = await priya.PageAsync(JordanPage);
        page.Should().Contain("<strong>Admin</strong>").And.Contain("Remove the role Admin");

        (await priya.PostFormAsync(JordanPage + "/roles", new() { ["remove"] = admin.Id })).StatusCode.Should().Be(HttpStatusCode.BadRequest, "no CSRF token");
        roles.NamesOf(HostHarness.Jordan).Should().Equal("Admin");

        var removed = await priya.PostFormAsync(JordanPage + "/roles", new() { ["csrf"] = LoginBrowser.Csrf(page), ["remove"] = admin.Id });
        removed.StatusCode.Should().Be(HttpStatusCode.Redirect);
        roles.NamesOf(HostHarness.Jordan).Should().BeEmpty();

        var actions = harness.AuditEntries("dashboard_action").Select(e => e.Details["action"]!.GetValue<string>()).ToList();
        actions.Should().Contain(["role_assigned", "role_removed"]);
    }
}
