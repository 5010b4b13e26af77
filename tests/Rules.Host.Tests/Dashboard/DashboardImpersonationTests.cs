using System.Net;
using Rules.Host.Impersonation;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Dashboard;

/// <summary>"Sign in as User" from a user's page: the link comes from the Management API's own path (validator, generator, audit).</summary>
public class DashboardImpersonationTests
{
    private static object Dialog(string state = "dash-state", string mode = "get", string type = "code", string scope = "openid profile") =>
        new { client_id = HostHarness.PortalId, response_mode = mode, response_type = type, scope, state };

    [Fact]
    public async Task The_link_is_made_and_audited_by_the_shared_issuer_with_the_operator_as_impersonator()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();

        var answer = await DashboardClient.JsonAsync(await priya.ImpersonateAsync(Dialog()), HttpStatusCode.OK);

        answer["url"]!.GetValue<string>().Should().StartWith(HostHarness.Issuer + "impersonation/");
        answer["callback_url"]!.GetValue<string>().Should().Be(HostHarness.PortalCallback, "the application's first Allowed Callback URL");
        var entry = harness.AuditEntries("impersonation_requested").Should().ContainSingle().Subject;
        entry.impersonator_id.Should().Be(HostHarness.Priya);
        entry.user_id.Should().Be(HostHarness.Jordan);
        entry.Details["requested_by"]!.GetValue<string>().Should().Be($"dashboard:{HostHarness.Priya}");
        entry.Details["state"]!.GetValue<string>().Should().Be("dash-state");
        harness.Scalar<long>("SELECT COUNT(*) FROM impersonation_links").Should().Be(1);
    }

    [Fact]
    public async Task Following_the_link_reaches_the_callback_with_a_code_and_the_state_once()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        var url = (await DashboardClient.JsonAsync(await priya.ImpersonateAsync(Dialog()), HttpStatusCode.OK))["url"]!.GetValue<string>();

        var callback = HostHarness.CallbackParameters(await harness.FollowAsync(url));
        callback.Should().ContainKey("code");
        callback["state"].Should().Be("dash-state");

        var again = await harness.FollowAsync(url);
        again.StatusCode.Should().NotBe(HttpStatusCode.Redirect, "a link works once");
    }

    [Theory]
    [InlineData("post", "code", "form_post")]
    [InlineData("get", "token", "fragment")]
    [InlineData("get", "code", "query")]
    public async Task Get_and_post_become_the_response_modes_the_api_knows(string mode, string type, string expected)
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();
        await DashboardClient.JsonAsync(await priya.ImpersonateAsync(Dialog(mode: mode, type: type)), HttpStatusCode.OK);
        harness.AuditEntries("impersonation_requested").Single().Details["response_mode"]!.GetValue<string>().Should().Be(expected);
    }

    [Fact]
    public async Task A_refusal_is_the_validators_own_error_and_is_audited()
    {
        using var harness = new HostHarness();
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();

        var refused = await DashboardClient.JsonAsync(await priya.ImpersonateAsync(Dialog(scope: "profile")), HttpStatusCode.BadRequest);
        refused["errorCode"]!.GetValue<string>().Should().Be("invalid_scope");
        harness.AuditEntries("impersonation_refused").Should().ContainSingle()
            .Which.Details["requested_by"]!.GetValue<string>().Should().Be($"dashboard:{HostHarness.Priya}");
    }

    [Fact]
    public async Task An_operator_who_may_not_impersonate_gets_a_clear_error()
    {
        using var harness = new HostHarness(new Dictionary<string, string?> { ["Rules:Dashboard:Operators:0"] = HostHarness.Noor });
        using var noor = new DashboardClient(harness);
        await noor.SignedInAsync("noor.haddad@example.org");

        var page = await noor.PageAsync($"/dashboard/users/{Uri.EscapeDataString(HostHarness.Jordan)}");
        page.Should().Contain("are not in the tenant&#x27;s impersonators list");
        var refused = await DashboardClient.JsonAsync(await noor.ImpersonateAsync(Dialog()), HttpStatusCode.Forbidden);
        refused["errorCode"]!.GetValue<string>().Should().Be("impersonator_not_allowed");
        refused["message"]!.GetValue<string>().Should().Contain($"impersonator_id {HostHarness.Noor} is not allowed to impersonate users");
    }

    [Fact]
    public async Task With_impersonation_disabled_the_button_is_replaced_by_the_explanation_and_the_api_refuses()
    {
        using var harness = new HostHarness(new Dictionary<string, string?> { ["Rules:ImpersonationEnabled"] = "false" });
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();

        var page = await priya.PageAsync($"/dashboard/users/{Uri.EscapeDataString(HostHarness.Jordan)}");
        page.Should().NotContain("id=\"impersonate-open\"").And.Contain("I can't see this button").And.Contain("Impersonation is disabled for this tenant")
            .And.Contain("Rules:ImpersonationEnabled=true");

        var refused = await DashboardClient.JsonAsync(await priya.ImpersonateAsync(Dialog()), HttpStatusCode.Forbidden);
        refused["message"]!.GetValue<string>().Should().Be(ImpersonationRequestValidator.DisabledMessage);
    }

    [Fact]
    public async Task Without_an_application_for_the_users_connection_the_note_names_that_condition()
    {
        using var harness = new HostHarness();
        harness.Execute("DELETE FROM connection_clients");
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();

        var page = await priya.PageAsync($"/dashboard/users/{Uri.EscapeDataString(HostHarness.Jordan)}");
        page.Should().NotContain("id=\"impersonate-open\"").And.Contain("is not enabled for any application that has a callback URL")
            .And.NotContain("Impersonation is disabled");
    }
}
