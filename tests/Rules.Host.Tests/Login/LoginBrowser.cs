using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Login;

/// <summary>
/// A browser for the hosted login: its own cookie jar (the SSO session and the antiforgery cookie), no automatic
/// redirects, and the steps a user takes: open /authorize, read the login page, submit the form.
/// </summary>
public sealed partial class LoginBrowser(HostHarness harness) : IDisposable
{
    public const string Password = "Sample-Passw0rd!";
    public const string SpaId = "Sp4aQ9wE2rT7yU1iO6pA3sD8fG5hJ0kL";
    public const string SpaCallback = "http://localhost:3003/callback";

    public HttpClient Http { get; } = harness.NewClient();

    public static string Query(
        string clientId = HostHarness.PortalId, string redirectUri = HostHarness.PortalCallback, string? responseType = "code",
        string? scope = "openid profile email", string? state = "st-1", params (string Name, string Value)[] extra)
    {
        var parameters = new List<KeyValuePair<string, string?>> { new("client_id", clientId), new("redirect_uri", redirectUri) };
        if (responseType is not null) parameters.Add(new("response_type", responseType));
        if (scope is not null) parameters.Add(new("scope", scope));
        if (state is not null) parameters.Add(new("state", state));
        parameters.AddRange(extra.Select(p => new KeyValuePair<string, string?>(p.Name, p.Value)));
        return QueryHelpers.AddQueryString("", parameters).TrimStart('?');
    }

    public Task<HttpResponseMessage> AuthorizeAsync(string query) => Http.GetAsync("/authorize?" + query);

    public async Task<string> LoginPageAsync(string query)
    {
        var response = await Http.GetAsync("/login?" + query);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, html);
        return html;
    }

    /// <summary>Opens the login page for <paramref name="query"/> and submits the email and password with the page's CSRF token.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string query, string email, string password = Password)
    {
        var csrf = Csrf(await LoginPageAsync(query));
        return await Http.PostAsync("/login?" + query, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csrf"] = csrf,
            ["email"] = email,
            ["password"] = password,
        }));
    }

    /// <summary>Signs in and returns what the callback received (query or fragment of the redirect).</summary>
    public async Task<Dictionary<string, string>> SignInForCallbackAsync(string query, string email, string callback = HostHarness.PortalCallback)
    {
        var response = await SignInAsync(query, email);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return HostHarness.CallbackParameters(response, callback);
    }

    public async Task<JsonObject> ExchangeAsync(string code, string clientId = HostHarness.PortalId, string? secret = HostHarness.PortalSecret,
        string redirectUri = HostHarness.PortalCallback, string? verifier = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["client_id"] = clientId, ["code"] = code, ["redirect_uri"] = redirectUri };
        if (secret is not null) form["client_secret"] = secret;
        if (verifier is not null) form["code_verifier"] = verifier;
        var response = await Http.PostAsync("/oauth/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        response.StatusCode.Should().Be(expected, body?.ToJsonString());
        return body!;
    }

    public static string Csrf(string html) => CsrfField().Match(html) is { Success: true } match
        ? WebUtility.HtmlDecode(match.Groups[1].Value)
        : throw new InvalidOperationException("no CSRF field on the page:\n" + html);

    /// <summary>The action and hidden fields of the first form on a page (the form_post page, the denial page).</summary>
    public static (string Action, Dictionary<string, string> Fields) Form(string html)
    {
        var action = WebUtility.HtmlDecode(FormAction().Match(html).Groups[1].Value);
        var fields = HiddenField().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        return (action, fields);
    }

    public static JsonObject Payload(string jwt)
    {
        var part = jwt.Split('.')[1];
        return JsonNode.Parse(WebEncoders.Base64UrlDecode(part))!.AsObject();
    }

    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(48));
        return (verifier, WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]*)\"")]
    private static partial Regex CsrfField();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]*)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}
