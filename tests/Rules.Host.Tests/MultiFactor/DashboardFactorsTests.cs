using System.Net;
using System.Text.RegularExpressions;
using Rules.Host.MultiFactor;
using Rules.Host.Tests.Dashboard;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.MultiFactor;

/// <summary>The user's page in the Dashboard: the factor (never its secret), new recovery codes, reset; each audited.</summary>
public sealed class DashboardFactorsTests : IDisposable
{
    private readonly HostHarness _host = new();
    private static readonly string JordanPage = $"/dashboard/users/{Uri.EscapeDataString(HostHarness.Jordan)}";

    [Fact]
    public async Task An_operator_sees_regenerates_and_resets_a_users_factor()
    {
        var factors = _host.Service<FactorStore>();
        var (_, secret) = factors.StartEnrollment(HostHarness.Jordan)!.Value;
        factors.CheckCode(HostHarness.Jordan, Totp.Compute(secret, _host.Clock.GetUtcNow())).Should().Be(CodeCheck.Accepted);
        using var dashboard = new DashboardClient(_host);
        await dashboard.SignedInAsync();

        var page = await dashboard.PageAsync(JordanPage);
        page.Should().Contain("Two-step verification").And.Contain("confirmed").And.NotContain(secret);

        var regenerated = await dashboard.PostFormAsync(JordanPage + "/factors/recovery-codes", new() { ["csrf"] = LoginBrowser.Csrf(page) });
        var codesPage = await regenerated.Content.ReadAsStringAsync();
        regenerated.StatusCode.Should().Be(HttpStatusCode.OK, codesPage);
        Regex.Matches(codesPage, "<li><code>[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}</code></li>").Should().HaveCount(FactorStore.RecoveryCodeCount);
        codesPage.Should().NotContain(secret);
        _host.AuditEntries(FactorAdministration.RecoveryCodesType).Should().ContainSingle()
            .Which.Details["requested_by"]!.GetValue<string>().Should().Be($"dashboard:{HostHarness.Priya}");

        var reset = await dashboard.PostFormAsync(JordanPage + "/factors/reset", new() { ["csrf"] = LoginBrowser.Csrf(page) });
        reset.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await dashboard.PageAsync(JordanPage)).Should().Contain("No factor enrolled");
        factors.Find(HostHarness.Jordan).Should().BeNull();
        _host.AuditEntries(FactorAdministration.ResetType).Should().ContainSingle();
    }

    [Fact]
    public async Task Reset_needs_the_csrf_token()
    {
        using var dashboard = new DashboardClient(_host);
        await dashboard.SignedInAsync();

        var response = await dashboard.PostFormAsync(JordanPage + "/factors/reset", new() { ["csrf"] = "forged" });

        response.StatusCode.Should().NotBe(HttpStatusCode.Redirect);
        _host.AuditEntries(FactorAdministration.ResetType).Should().BeEmpty();
    }

    public void Dispose() => _host.Dispose();
}
