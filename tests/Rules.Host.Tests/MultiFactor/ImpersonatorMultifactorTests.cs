using System.Net;
using Rules.Host.MultiFactor;
using Rules.Host.Tests.Dashboard;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.MultiFactor;

/// <summary>The tenant requires MFA from impersonators: the API needs an enrolled factor, the Dashboard a fresh code; the audit says which.</summary>
public sealed class ImpersonatorMultifactorTests : IDisposable
{
    private readonly HostHarness _host = new(new Dictionary<string, string?> { ["Rules:Login:Multifactor:RequireForImpersonators"] = "true" });

    /// <summary>Enrols Priya's authenticator app as the login page would, acting as her app; returns the secret.</summary>
    private string EnrolPriya()
    {
        var factors = _host.Service<FactorStore>();
        var (_, secret) = factors.StartEnrollment(HostHarness.Priya)!.Value;
        factors.CheckCode(HostHarness.Priya, Totp.Compute(secret, _host.Clock.GetUtcNow())).Should().Be(CodeCheck.Accepted);
        return secret;
    }

    [Fact]
    public async Task The_api_refuses_an_impersonator_without_an_enrolled_factor_and_records_the_factor_otherwise()
    {
        var refused = await _host.ImpersonateAsync(HostHarness.Jordan, HostHarness.ImpersonationBody());
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var body = await refused.Content.ReadAsStringAsync();
        body.Should().Contain("impersonator_mfa_required").And.Contain(HostHarness.Priya);
        _host.AuditEntries("impersonation_refused").Should().ContainSingle().Which.details.Should().Contain("impersonator_mfa_required");

        EnrolPriya();
        await _host.CreateLinkAsync();

        _host.AuditEntries("impersonation_requested").Should().ContainSingle()
            .Which.Details["impersonator_verified"]!.GetValue<string>().Should().Be(ImpersonatorMultifactor.EnrolledFactor);
    }

    [Fact]
    public async Task The_dashboard_asks_for_a_fresh_code_before_making_a_link()
    {
        var secret = EnrolPriya();
        using var dashboard = new DashboardClient(_host);
        await dashboard.SignedInAsync();
        (await dashboard.PageAsync($"/dashboard/users/{Uri.EscapeDataString(HostHarness.Jordan)}")).Should().Contain("impersonate-mfa-code");

        var noCode = await DashboardClient.JsonAsync(await dashboard.ImpersonateAsync(new { client_id = HostHarness.PortalId }), HttpStatusCode.BadRequest);
        noCode["errorCode"]!.GetValue<string>().Should().Be("mfa_required");
        var wrong = await DashboardClient.JsonAsync(await dashboard.ImpersonateAsync(new { client_id = HostHarness.PortalId, mfa_code = "000000" == Totp.Compute(secret, _host.Clock.GetUtcNow().AddSeconds(30)) ? "111111" : "000000" }), HttpStatusCode.Forbidden);
        wrong["errorCode"]!.GetValue<string>().Should().Be("invalid_mfa_code");
        _host.AuditEntries("impersonation_requested").Should().BeEmpty();

        _host.Clock.Advance(TimeSpan.FromSeconds(30));
        var link = await DashboardClient.JsonAsync(
            await dashboard.ImpersonateAsync(new { client_id = HostHarness.PortalId, mfa_code = Totp.Compute(secret, _host.Clock.GetUtcNow()) }), HttpStatusCode.OK);
        link["url"]!.GetValue<string>().Should().Contain("/impersonation/");
        _host.AuditEntries("impersonation_requested").Should().ContainSingle()
            .Which.Details["impersonator_verified"]!.GetValue<string>().Should().Be(ImpersonatorMultifactor.FreshCode);

        var replayed = await DashboardClient.JsonAsync(
            await dashboard.ImpersonateAsync(new { client_id = HostHarness.PortalId, mfa_code = Totp.Compute(secret, _host.Clock.GetUtcNow()) }), HttpStatusCode.Forbidden);
        replayed["message"]!.GetValue<string>().Should().Contain("already used");
    }

    public void Dispose() => _host.Dispose();
}
