using Microsoft.Playwright;
using Rules.Host.RuleSets;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Dashboard.Browser;

/// <summary>"Try this rule" in a real browser: impersonating Sam, an administrator, is denied by the sample rule that forbids it; a rule's HTTP call is answered from a typed-in fixture.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class TryThisRuleBrowserTests(ChromiumFixture chromium) : IDisposable
{
    private const string NoAdmins = "Never impersonate an administrator";

    // crm.example.com is allowed so the fixture test's call passes the egress policy; the fixture answers it, nothing is sent.
    private readonly DashboardServer _server = new(new Dictionary<string, string?> { ["Rules:Egress:Allow:0"] = "crm.example.com" }, withoutBusinessHours: false);

    [Fact]
    public async Task Impersonating_the_admin_sam_is_denied_with_the_rules_reason_and_console_output()
    {
        var liveVersion = _server.Service<RuleSetProvider>().Current!.Version;
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await OperatorSteps.SignInAsync(page, _server.BaseUrl);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Rules" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rules", Exact = true })).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "10-rules");
        await page.GetByRole(AriaRole.Link, new() { Name = NoAdmins }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Script")).ToBeVisibleAsync();

        await page.GetByLabel("User", new() { Exact = true }).SelectOptionAsync(HostHarness.Sam);
        await page.GetByLabel("Application", new() { Exact = true }).SelectOptionAsync(HostHarness.PortalId);
        await page.GetByLabel("Impersonated by").SelectOptionAsync(HostHarness.Priya);
        await page.GetByRole(AriaRole.Button, new() { Name = "Build sample" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Sample login built.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Transaction")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"impersonated\": true"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Try", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator("#try-decision")).ToHaveTextAsync("denied");
        await Assertions.Expect(page.Locator("#try-verdict")).ToContainTextAsync(NoAdmins);
        await Assertions.Expect(page.Locator("#try-logs")).ToContainTextAsync("tried to impersonate sam.okafor@acme.example.com");
        await page.Locator("#try-result").ScrollIntoViewIfNeededAsync();
        await ChromiumFixture.ScreenshotAsync(page, "11-try-this-rule");

        _server.Service<RuleSetProvider>().Current!.Version.Should().Be(liveVersion, "a trial never changes the live rules");
    }

    [Fact]
    public async Task A_rules_http_call_is_answered_from_the_fixture_typed_in_and_listed()
    {
        var server = _server;
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await OperatorSteps.SignInAsync(page, server.BaseUrl);
        var rule = server.Service<Rules.Host.Management.RuleStore>().List().Single(r => r.Name == NoAdmins);
        await page.GotoAsync($"{server.BaseUrl}/dashboard/rules/{rule.Id}");

        await page.GetByLabel("Script").FillAsync("""
            function (user, context, callback) {
              require('axios').get('https://crm.example.com/v2/lookup').then(function (response) {
                context.idToken['https://example.com/tier'] = response.data.tier;
                callback(null, user, context);
              }, callback);
            }
            """);
        await page.GetByLabel("HTTP fixtures").FillAsync("""
            [{ "request": { "method": "GET", "url": "https://crm.example.com/v2/lookup" }, "response": { "status": 200, "json": { "tier": "gold" } } }]
            """);
        await page.GetByRole(AriaRole.Button, new() { Name = "Try", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator("#try-decision")).ToHaveTextAsync("allowed");
        await Assertions.Expect(page.Locator("#try-http-calls")).ToContainTextAsync("GET");
        await Assertions.Expect(page.Locator("#try-http-calls")).ToContainTextAsync("/v2/lookup: 200");
        await Assertions.Expect(page.Locator("#try-result")).ToContainTextAsync("\"https://example.com/tier\": \"gold\"");
    }

    public void Dispose() => _server.Dispose();
}
