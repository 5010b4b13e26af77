using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.Dashboard;

/// <summary>
/// An operator's HTTP session with the Dashboard, without a browser: its own cookie jar, no automatic redirects, and
/// the CSRF token read from each page the way the pages' scripts read it (meta csrf-token) or forms carry it (csrf).
/// </summary>
public sealed partial class DashboardClient(HostHarness harness) : IDisposable
{
    public const string Password = LoginBrowser.Password;
    public const string MariaEmail = "maria.gonzalez@acme-support.example.com";
    public const string TomEmail = "tom.becker@acme.example.com";

    public HttpClient Http { get; } = harness.NewClient();

    public async Task<HttpResponseMessage> SignInAsync(string email = HostHarness.PriyaEmail, string password = Password, string? returnUrl = null)
    {
        var page = await Http.GetStringAsync("/dashboard/login");
        var form = new Dictionary<string, string> { ["csrf"] = LoginBrowser.Csrf(page), ["email"] = email, ["password"] = password };
        if (returnUrl is not null) form["returnUrl"] = returnUrl;
        return await Http.PostAsync("/dashboard/login", new FormUrlEncodedContent(form));
    }

    public async Task SignedInAsync(string email = HostHarness.PriyaEmail)
    {
        var response = await SignInAsync(email);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
    }

    public async Task<string> PageAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, html);
        return html;
    }

    /// <summary>The token a page hands its scripts for fetch() calls.</summary>
    public static string MetaCsrf(string html) => MetaToken().Match(html) is { Success: true } match
        ? WebUtility.HtmlDecode(match.Groups[1].Value)
        : throw new InvalidOperationException("no csrf-token meta on the page:\n" + html);

    public async Task<HttpResponseMessage> PostJsonAsync(string path, object body, string? csrf)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (csrf is not null) request.Headers.Add("X-CSRF-Token", csrf);
        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields) =>
        Http.PostAsync(path, new FormUrlEncodedContent(fields));

    /// <summary>Asks for a one-time link from Jordan's page, as the dialog does.</summary>
    public async Task<HttpResponseMessage> ImpersonateAsync(object body, string userId = HostHarness.Jordan, bool withCsrf = true)
    {
        var page = await PageAsync($"/dashboard/users/{Uri.EscapeDataString(userId)}");
        return await PostJsonAsync($"/dashboard/api/users/{Uri.EscapeDataString(userId)}/impersonate", body, withCsrf ? MetaCsrf(page) : null);
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]*)\">")]
    private static partial Regex MetaToken();
}
