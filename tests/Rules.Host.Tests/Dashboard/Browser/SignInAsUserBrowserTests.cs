using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.Dashboard.Browser;

/// <summary>
/// The seed's first path, in a real browser: Priya signs in, finds Jordan, clicks "Sign in as User", picks the Customer
/// Portal, sets the state in Advanced Settings, opens the one-time link in a new tab, and the Portal's callback
/// receives a code (which redeems for Jordan's tokens, marked as impersonated by Priya) and that state.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class SignInAsUserBrowserTests(ChromiumFixture chromium) : IDisposable
{
    private readonly DashboardServer _server = new();

    [Fact]
    public async Task An_operator_signs_in_as_jordan_and_the_portals_callback_gets_a_code_and_the_state()
    {
        await using var context = await chromium.NewContextAsync();
        // The Customer Portal is not running: the browser's request to its callback is answered here, and recorded.
        var callbacks = new List<string>();
        await context.RouteAsync(HostHarness.PortalCallback + "**", async route =>
        {
            callbacks.Add(route.Request.Url);
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = "<!DOCTYPE html><title>Portal</title><h1>Customer Portal callback</h1>" });
        });
        var page = await context.NewPageAsync();

        await OperatorSteps.SignInAsync(page, _server.BaseUrl, screenshot: "01-sign-in");
        await ChromiumFixture.ScreenshotAsync(page, "02-users");
        await OperatorSteps.OpenUserAsync(page, "jordan", "Jordan Lee");
        await ChromiumFixture.ScreenshotAsync(page, "03-user");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in as User" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Application to sign in to").SelectOptionAsync(HostHarness.PortalId);
        await dialog.GetByText("Advanced Settings").ClickAsync();
        var state = "browser-" + Guid.NewGuid().ToString("N")[..8];
        await dialog.GetByLabel("State").FillAsync(state);
        await Assertions.Expect(dialog.GetByLabel("Scope")).ToHaveValueAsync("openid");
        await dialog.GetByLabel("Scope").FillAsync("openid profile email");
        await ChromiumFixture.ScreenshotAsync(page, "04-sign-in-as-user-dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Get link" }).ClickAsync();

        var linkBox = dialog.GetByLabel("One-time link");
        await Assertions.Expect(linkBox).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/impersonation/"));
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Assertions.Expect(dialog.GetByText("Link copied.")).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "05-one-time-link");

        var tab = await page.RunAndWaitForPopupAsync(() => dialog.GetByRole(AriaRole.Link, new() { Name = "Open" }).ClickAsync());
        await tab.WaitForURLAsync(HostHarness.PortalCallback + "**");
        await Assertions.Expect(tab.GetByRole(AriaRole.Heading, new() { Name = "Customer Portal callback" })).ToBeVisibleAsync();

        callbacks.Should().ContainSingle();
        var query = QueryHelpers.ParseQuery(new Uri(callbacks[0]).Query);
        query["state"].ToString().Should().Be(state);
        query.Should().ContainKey("code").And.NotContainKey("error");

        using var http = new HttpClient { BaseAddress = new Uri(_server.BaseUrl) };
        var tokens = await http.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = HostHarness.PortalId, ["client_secret"] = HostHarness.PortalSecret,
            ["code"] = query["code"].ToString(), ["redirect_uri"] = HostHarness.PortalCallback,
        }));
        var body = await tokens.Content.ReadFromJsonAsync<JsonObject>();
        tokens.IsSuccessStatusCode.Should().BeTrue(body?.ToJsonString());
        var idToken = LoginBrowser.Payload(body!["id_token"]!.GetValue<string>());
        idToken["sub"]!.GetValue<string>().Should().Be(HostHarness.Jordan);
        idToken["impersonator"]!["user_id"]!.GetValue<string>().Should().Be(HostHarness.Priya);

        // The audit trail shows the login, and its entry opens to the decision.
        await page.GotoAsync(_server.BaseUrl + "/dashboard/logs?outcome=allow");
        await ChromiumFixture.ScreenshotAsync(page, "06-logs");
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "jordan.lee@gmail.com" }).GetByRole(AriaRole.Link).First.ClickAsync();
        await Assertions.Expect(page.Locator("#decided-by")).ToHaveTextAsync("Every enabled rule allowed the login.");
        await ChromiumFixture.ScreenshotAsync(page, "07-log-entry");
    }

    [Fact]
    public async Task The_users_page_fits_a_phone_and_the_dialog_works_from_the_keyboard()
    {
        await using var context = await chromium.NewContextAsync(width: 390, height: 844);
        var page = await context.NewPageAsync();
        await OperatorSteps.SignInAsync(page, _server.BaseUrl);
        await OperatorSteps.OpenUserAsync(page, "jordan", "Jordan Lee");

        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
        overflow.Should().BeFalse("nothing should scroll sideways at phone width");
        await ChromiumFixture.ScreenshotAsync(page, "08-user-phone");

        var button = page.GetByRole(AriaRole.Button, new() { Name = "Sign in as User" });
        await button.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByLabel("Application to sign in to")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToBeHiddenAsync();
    }

    public void Dispose() => _server.Dispose();
}
