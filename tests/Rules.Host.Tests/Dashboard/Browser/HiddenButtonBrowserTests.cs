using Microsoft.Playwright;

namespace Rules.Host.Tests.Dashboard.Browser;

/// <summary>With impersonation switched off for the tenant, the user's page says why there is no "Sign in as User" button.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class HiddenButtonBrowserTests(ChromiumFixture chromium) : IDisposable
{
    private readonly DashboardServer _server = new(new Dictionary<string, string?> { ["Rules:ImpersonationEnabled"] = "false" }, withoutBusinessHours: false);

    [Fact]
    public async Task The_button_is_hidden_and_the_note_names_the_switch_to_turn_on()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await OperatorSteps.SignInAsync(page, _server.BaseUrl);
        await OperatorSteps.OpenUserAsync(page, "jordan", "Jordan Lee");

        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in as User" })).ToHaveCountAsync(0);
        var note = page.Locator("#impersonation-unavailable");
        await Assertions.Expect(note.GetByText("I can't see this button")).ToBeVisibleAsync();
        await Assertions.Expect(note.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await Assertions.Expect(note.GetByRole(AriaRole.Listitem)).ToContainTextAsync("Impersonation is disabled for this tenant");
        await Assertions.Expect(note.GetByRole(AriaRole.Listitem)).ToContainTextAsync("Rules:ImpersonationEnabled=true");
        await ChromiumFixture.ScreenshotAsync(page, "09-button-hidden");
    }

    public void Dispose() => _server.Dispose();
}
