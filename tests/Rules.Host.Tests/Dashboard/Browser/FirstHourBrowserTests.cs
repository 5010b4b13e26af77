using Microsoft.Playwright;
using Rules.Host.Audit;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Dashboard.Browser;

/// <summary>
/// What a newcomer trips over in the first hour with the Dashboard, in a real Chromium: the dialog's first application
/// must be one the rules let the impersonation into, the client id must be whole, the expiry in the operator's time,
/// the response mode what the server will do, the backdrop the whole page; the Logs readable at 1280 px, the Users
/// list usable at 390 px. Screenshots in test-output/dashboard/.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class FirstHourBrowserTests(ChromiumFixture chromium) : IDisposable
{
    private readonly DashboardServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task The_dialog_starts_on_an_application_the_rules_allow_and_says_which_they_refuse()
    {
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 640 },
            TimezoneId = "Asia/Kolkata",
            Locale = "en-GB",
        });
        var page = await context.NewPageAsync();
        await OperatorSteps.SignInAsync(page, _server.BaseUrl);
        await OperatorSteps.OpenUserAsync(page, "jordan", "Jordan Lee");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in as User" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        var application = dialog.GetByLabel("Application to sign in to");

        // The sample rules refuse impersonation into the Admin Console: it must not be where the dialog starts.
        var first = await application.InputValueAsync();
        first.Should().NotBe(HostHarness.AdminConsoleId);
        await Assertions.Expect(dialog.Locator("#impersonate-client-id")).ToHaveTextAsync(first);
        await Assertions.Expect(dialog.Locator("#impersonate-client-refusal")).ToBeHiddenAsync();
        var adminOption = application.Locator($"option[value='{HostHarness.AdminConsoleId}']");
        await Assertions.Expect(adminOption).ToHaveTextAsync("Acme Admin Console (the rules refuse it now)");

        await application.SelectOptionAsync(HostHarness.AdminConsoleId);
        await Assertions.Expect(dialog.Locator("#impersonate-client-id")).ToHaveTextAsync(HostHarness.AdminConsoleId);
        await Assertions.Expect(dialog.Locator("#impersonate-client-refusal")).ToContainTextAsync("Impersonation is not enabled for Acme Admin Console");
        (await dialog.Locator("#impersonate-client-id").EvaluateAsync<double>("e => e.scrollWidth - e.clientWidth")).Should().BeLessThanOrEqualTo(0, "the client id is shown whole");
        await ChromiumFixture.ScreenshotAsync(page, "10-dialog-refused-application");

        // response_type token: the server answers in the fragment, and the control says so.
        await application.SelectOptionAsync(first);
        await dialog.GetByText("Advanced Settings").ClickAsync();
        await Assertions.Expect(dialog.Locator("#impersonate-get-mode")).ToHaveTextAsync("GET (query)");
        await dialog.GetByLabel("token", new() { Exact = true }).CheckAsync();
        await Assertions.Expect(dialog.Locator("#impersonate-get-mode")).ToHaveTextAsync("GET (fragment)");
        await Assertions.Expect(dialog.Locator("#impersonate-mode-note")).ToContainTextAsync("fragment");
        await ChromiumFixture.ScreenshotAsync(page, "11-dialog-token-fragment");
        await dialog.GetByLabel("code", new() { Exact = true }).CheckAsync();

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Get link" }).ClickAsync();
        var expiry = dialog.Locator("#impersonate-expiry time");
        await Assertions.Expect(expiry).ToBeVisibleAsync();
        var shown = await expiry.TextContentAsync();
        shown.Should().Contain("GMT+5:30", "the expiry is in the operator's time zone, named").And.NotContain("T0").And.NotContain("Z");
        (await expiry.EvaluateAsync<int>("e => e.getClientRects().length")).Should().Be(1, "the timestamp does not break across lines");
        await ChromiumFixture.ScreenshotAsync(page, "12-dialog-local-expiry");

        // The shade covers the whole page in a full-page screenshot, down to the last row.
        var screenshot = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        await File.WriteAllBytesAsync(Path.Combine(ChromiumFixture.ScreenshotDirectory, "13-dialog-full-page.png"), screenshot);
        var (bottomLeft, pageHeight) = await PixelAsync(context, screenshot, fromBottom: 3);
        pageHeight.Should().BeGreaterThan(640, "the page is longer than the viewport, or this checks nothing");
        bottomLeft.Should().BeLessThan(200, "the page's background (#f4f5f7, 244) is shaded at the bottom of the page too");
    }

    [Fact]
    public async Task The_logs_fit_1280_pixels_with_readable_types_and_emails_for_refusals()
    {
        _server.Service<AuditLog>().Write(new AuditEntry
        {
            Date = DateTimeOffset.UtcNow,
            Type = "impersonation_refused",
            Description = "The impersonator is not allowed to impersonate users.",
            UserId = HostHarness.Jordan,
            ImpersonatorId = HostHarness.Priya,
            ClientId = HostHarness.PortalId,
            ClientName = "Acme Customer Portal",
            Ip = "127.0.0.1",
        });
        await using var context = await chromium.NewContextAsync(1280, 900);
        var page = await context.NewPageAsync();
        await OperatorSteps.SignInAsync(page, _server.BaseUrl);
        await page.GetByRole(AriaRole.Link, new() { Name = "Logs" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Logs", Level = 1 })).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "14-logs-1280");

        var wrap = page.Locator(".table-wrap");
        (await wrap.EvaluateAsync<double>("e => e.scrollWidth - e.clientWidth")).Should().BeLessThanOrEqualTo(0, "no sideways scroll at 1280 px");
        var refused = page.Locator("tr", new() { Has = page.GetByText("Impersonation refused", new() { Exact = true }) });
        await Assertions.Expect(refused).ToHaveCountAsync(1);
        await Assertions.Expect(refused.Locator(".log-type")).ToHaveAttributeAsync("title", "type code: impersonation_refused");
        (await refused.Locator(".log-type").EvaluateAsync<int>("e => e.getClientRects().length")).Should().BeLessThanOrEqualTo(2, "the type reads as words, not a column of fragments");
        await Assertions.Expect(refused).ToContainTextAsync("jordan.lee@gmail.com");
        await Assertions.Expect(refused).ToContainTextAsync("by " + HostHarness.PriyaEmail);
        await Assertions.Expect(refused).Not.ToContainTextAsync(HostHarness.Jordan);
    }

    [Fact]
    public async Task The_users_list_is_a_list_at_390_pixels()
    {
        await using var context = await chromium.NewContextAsync(390, 844);
        var page = await context.NewPageAsync();
        await OperatorSteps.SignInAsync(page, _server.BaseUrl);
        await ChromiumFixture.ScreenshotAsync(page, "15-users-390");

        (await page.EvaluateAsync<double>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(390, "nothing is wider than the phone");
        // A row is a card filled with its lines, not a tall, mostly blank table row: its cells cover nearly all of it.
        var filled = await page.Locator("table.user-list tbody tr").EvaluateAllAsync<double[]>(
            "rows => rows.map(r => [...r.cells].reduce((sum, c) => sum + c.getBoundingClientRect().height, 0) / r.getBoundingClientRect().height)");
        filled.Should().NotBeEmpty().And.OnlyContain(f => f > 0.8);
        // Each line says what it is (the column headers are hidden on a phone).
        (await page.Locator("table.user-list tbody tr").First.Locator("td[data-label='User ID']")
            .EvaluateAsync<string>("td => getComputedStyle(td, '::before').content")).Should().Be("\"User ID: \"");
    }

    /// <summary>The grey level of the pixel <paramref name="fromBottom"/> rows above the bottom-left corner of a PNG, decoded by the browser.</summary>
    private static async Task<(double Grey, int Height)> PixelAsync(IBrowserContext context, byte[] png, int fromBottom)
    {
        var blank = await context.NewPageAsync();
        var result = await blank.EvaluateAsync<double[]>("""
            async (data) => {
              const image = new Image();
              image.src = "data:image/png;base64," + data;
              await image.decode();
              const canvas = document.createElement("canvas");
              canvas.width = image.width; canvas.height = image.height;
              const context2d = canvas.getContext("2d");
              context2d.drawImage(image, 0, 0);
              const [r, g, b] = context2d.getImageData(5, image.height - 1 - FROM_BOTTOM, 1, 1).data;
              return [(r + g + b) / 3, image.height];
            }
            """.Replace("FROM_BOTTOM", fromBottom.ToString(System.Globalization.CultureInfo.InvariantCulture)), Convert.ToBase64String(png));
        await blank.CloseAsync();
        return (result[0], (int)result[1]);
    }
}
