using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;
using Rules.Host.Management;
using Rules.Host.MultiFactor;
using Rules.Host.Tests.Dashboard.Browser;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.MultiFactor;

/// <summary>
/// A user in Chromium meets a rule that asks for MFA: the login page, enrolment (QR code and key), the recovery codes,
/// the portal's callback; then a second sign-in answered with a code. The test is the user's authenticator app: it
/// computes codes from the key the page showed.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class MultifactorBrowserTests(ChromiumFixture chromium) : IDisposable
{
    private readonly DashboardServer _server = new();

    [Fact]
    public async Task A_user_enrols_an_authenticator_app_then_signs_in_with_a_code()
    {
        _server.Service<RuleSetEditor>().CreateRule(new RuleCreateRequest("Require MFA for Jordan", MultifactorSteps.AlwaysForJordan, null, null), Rules.Host.Audit.ChangeActor.Client("test-client"))
            .IsError.Should().BeFalse();
        await using var context = await chromium.NewContextAsync(width: 420, height: 900);
        var callbacks = new List<string>();
        await context.RouteAsync(HostHarness.PortalCallback + "**", async route =>
        {
            callbacks.Add(route.Request.Url);
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = "<!DOCTYPE html><title>Portal</title><h1>Customer Portal callback</h1>" });
        });
        var page = await context.NewPageAsync();
        var authorize = _server.BaseUrl + "/authorize?" + LoginBrowser.Query();

        await SignInWithPasswordAsync(page, authorize);
        await page.GetByRole(AriaRole.Heading, new() { Name = "Set up two-step verification" }).WaitForAsync();
        (await page.Locator(".qr svg").CountAsync()).Should().Be(1, "the QR code is drawn by the server, inline");
        await ChromiumFixture.ScreenshotAsync(page, "mfa-01-enrol");
        var secret = (await page.Locator("#totp-secret").InnerTextAsync()).Trim();
        await page.GetByLabel("Enter the 6-digit code the app shows").FillAsync(Totp.Compute(secret, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and continue" }).ClickAsync();

        await page.GetByRole(AriaRole.Heading, new() { Name = "Save your recovery codes" }).WaitForAsync();
        (await page.Locator("#recovery-codes li").CountAsync()).Should().Be(FactorStore.RecoveryCodeCount);
        await ChromiumFixture.ScreenshotAsync(page, "mfa-02-recovery-codes");
        await page.GetByRole(AriaRole.Button, new() { Name = "I saved them, continue" }).ClickAsync();
        await page.WaitForURLAsync(HostHarness.PortalCallback + "**");
        QueryHelpers.ParseQuery(new Uri(callbacks.Should().ContainSingle().Subject).Query).Should().ContainKey("code");

        // A new browser (no session): password, then a code. The next time step's code, so it cannot be the one used to enrol.
        await using var second = await chromium.NewContextAsync(width: 420, height: 900);
        await second.RouteAsync(HostHarness.PortalCallback + "**", async route =>
        {
            callbacks.Add(route.Request.Url);
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = "<!DOCTYPE html><title>Portal</title>" });
        });
        var again = await second.NewPageAsync();
        await SignInWithPasswordAsync(again, authorize);
        await again.GetByRole(AriaRole.Heading, new() { Name = "Two-step verification" }).WaitForAsync();
        (await again.Locator("#totp-secret").CountAsync()).Should().Be(0, "the key is shown only while enrolling");
        await again.GetByLabel("Enter the 6-digit code").FillAsync("000000" == Totp.Compute(secret, DateTimeOffset.UtcNow) ? "111111" : "000000");
        await again.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await again.GetByRole(AriaRole.Alert).Filter(new() { HasText = "not right" }).WaitForAsync();
        await ChromiumFixture.ScreenshotAsync(again, "mfa-03-wrong-code");
        await again.GetByLabel("Enter the 6-digit code").FillAsync(Totp.Compute(secret, DateTimeOffset.UtcNow.AddSeconds(Totp.StepSeconds)));
        await again.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await again.WaitForURLAsync(HostHarness.PortalCallback + "**");
        callbacks.Should().HaveCount(2);
        QueryHelpers.ParseQuery(new Uri(callbacks[1]).Query).Should().ContainKey("code");
    }

    private static async Task SignInWithPasswordAsync(IPage page, string authorize)
    {
        await page.GotoAsync(authorize);
        await page.GetByLabel("Email address").FillAsync(HostHarness.JordanEmail);
        await page.GetByLabel("Password").FillAsync(LoginBrowser.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
    }

    public void Dispose() => _server.Dispose();
}
