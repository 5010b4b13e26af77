using Microsoft.Playwright;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Dashboard.Browser;

/// <summary>What an operator does in the browser, step by step, by label and role as a person (or a screen reader) finds things.</summary>
public static class OperatorSteps
{
    /// <summary>Opens the Dashboard and signs in with the keyboard only (email has focus; Tab; Enter).</summary>
    public static async Task SignInAsync(IPage page, string baseUrl, string email = HostHarness.PriyaEmail, string? screenshot = null)
    {
        await page.GotoAsync(baseUrl + "/dashboard");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard sign-in" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Email")).ToBeFocusedAsync();
        if (screenshot is not null) await ChromiumFixture.ScreenshotAsync(page, screenshot);
        await page.Keyboard.TypeAsync(email);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(DashboardClient.Password);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Users", Exact = true })).ToBeVisibleAsync();
    }

    public static async Task OpenUserAsync(IPage page, string search, string name)
    {
        await page.GetByLabel("Search users").FillAsync(search);
        await page.GetByLabel("Search users").PressAsync("Enter");
        await page.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
    }
}
