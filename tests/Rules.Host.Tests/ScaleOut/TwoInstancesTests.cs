using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Rules.Host.Tests.Faults;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Storage;

namespace Rules.Host.Tests.ScaleOut;

/// <summary>
/// Two real <c>rules serve</c> processes on different loopback ports sharing one PostgreSQL, as behind a load
/// balancer (both configured with the public issuer): a link made on one is redeemed on the other, one link raced
/// over both gives one login, tokens from either verify with the other's JWKS, a login page served by one is
/// submitted to the other, and a rule changed through one is enforced by the other within 2 seconds.
/// </summary>
public sealed class TwoInstancesTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const string PublicIssuer = "http://rules.example.test/";
    private TestStore _store = null!;
    private RulesServerProcess _first = null!;
    private RulesServerProcess _second = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _store = TestStore.Create(TestStore.Postgres);
        // The first instance seeds the empty store and imports the sample rules; the second finds both there.
        _first = new RulesServerProcess(_store.ConnectionString, RulesServerProcess.RulesFrom.ImportedDirectory, $"--Rules:Issuer={PublicIssuer}");
        _second = new RulesServerProcess(_store.ConnectionString, RulesServerProcess.RulesFrom.Store, $"--Rules:Issuer={PublicIssuer}");
        await _first.StartAsync(TimeSpan.FromSeconds(60));
        await _second.StartAsync(TimeSpan.FromSeconds(60));
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        _first.Dispose();
        _second.Dispose();
        _store.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_instances_share_links_codes_keys_sessions_and_rule_changes()
    {
        var token = await ManagementTokenAsync(_first);

        // A link made on the first instance is redeemed on the second; its code is exchanged on the first.
        var link = await LinkAsync(_first, token);
        var redirect = await _http.GetAsync(On(_second, link));
        var code = CallbackParameters(redirect).Should().ContainKey("code").WhoseValue;
        var tokens = await ExchangeAsync(_first, code);
        var idToken = tokens["id_token"]!.GetValue<string>();
        (await VerifyWithJwksAsync(_second, idToken)).Should().BeTrue("the second instance publishes the key the first signed with");
        var claims = new JsonWebToken(idToken);
        claims.Subject.Should().Be(HostHarness.Jordan);
        claims.GetClaim("impersonator").Value.Should().Contain(HostHarness.Priya);

        // The Management token from the first instance works on the second.
        (await GetAsync(_second, $"/api/v2/users/{Uri.EscapeDataString(HostHarness.Jordan)}", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        // One link, 50 concurrent redemptions spread over both instances: exactly one login. Each instance's connection
        // pool is filled first (every /readyz opens a connection): opening 25 new PostgreSQL connections at once on each
        // instance, while the rest of the suite keeps both cores busy, has taken longer than Npgsql's 15 s connect
        // timeout in CI (a 503 that fails closed, but not what this race is about).
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => _http.GetAsync(new Uri((i % 2 == 0 ? _first : _second).BaseUri, "/readyz"))));
        var raced = await LinkAsync(_second, token);
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => _http.GetAsync(On(i % 2 == 0 ? _first : _second, raced))));
        responses.Count(r => r.StatusCode == HttpStatusCode.Redirect && CallbackParameters(r).ContainsKey("code")).Should().Be(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest).Should().Be(49, "every other redemption finds the link used (statuses: {0}; {1}; the servers' logs: {2}\n---\n{3})",
            string.Join(",", responses.Select(r => (int)r.StatusCode)),
            string.Join(" | ", await Task.WhenAll(responses.Where(r => r.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.Redirect)).Select(r => r.Content.ReadAsStringAsync()))),
            _first.LogTail, _second.LogTail);

        // A login page served by the first instance (its CSRF token) is submitted to the second.
        await PasswordLoginAcrossInstancesAsync();

        // A rule added through the first instance is enforced by the second within 2 seconds.
        var before = await ReadyVersionAsync(_second);
        var added = await PostAsync(_first, "/api/v2/rules", token, new JsonObject
        {
            ["name"] = "scale-out-pause",
            ["order"] = 0,
            ["script"] = "function (user, context, callback) { return callback(new UnauthorizedError('logins are paused')); }",
        });
        added.StatusCode.Should().Be(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        var changed = Stopwatch.StartNew();
        string? error = null;
        while (changed.Elapsed < TimeSpan.FromSeconds(2) && error is null)
        {
            var attempt = CallbackParameters(await _http.GetAsync(On(_second, await LinkAsync(_second, token))));
            error = attempt.GetValueOrDefault("error_description");
            if (error is null)
            {
                await Task.Delay(100);
            }
        }
        error.Should().Be("logins are paused", "the second instance enforces the first's change within 2 s ({0} ms)", changed.ElapsedMilliseconds);
        output.WriteLine($"the rule added on the first instance was enforced by the second after {changed.ElapsedMilliseconds} ms");
        (await ReadyVersionAsync(_second)).Should().NotBe(before).And.Be(await ReadyVersionAsync(_first));

        // Both instances appended to one audit chain, concurrently during the race: it verifies whole, and the rule
        // added through the first instance is on it with the client that added it.
        var chain = Rules.Host.Audit.AuditChainVerifier.Verify(_store.Database);
        chain.Problems.Should().BeEmpty();
        chain.Entries.Should().BeGreaterThan(50);
        var ruleAdded = new Rules.Host.Management.AuditLogSearch(_store.Database).Find(new Rules.Host.Management.LogFilter(ClientId: HostHarness.ToolingClientId, Type: "rule_created"), 0, 10).Logs;
        ruleAdded.Should().ContainSingle().Which["details"]!["object"]!["name"]!.GetValue<string>().Should().Be("scale-out-pause");
    }

    private async Task PasswordLoginAcrossInstancesAsync()
    {
        var authorize = $"/authorize?client_id={HostHarness.PortalId}&redirect_uri={Uri.EscapeDataString(HostHarness.PortalCallback)}&response_type=code&scope=openid&state=xs";
        var page = await _http.GetAsync(new Uri(_first.BaseUri, authorize));
        if (page.StatusCode == HttpStatusCode.Redirect)
        {
            page = await _http.GetAsync(new Uri(_first.BaseUri, page.Headers.Location!.ToString()));
        }
        var html = await page.Content.ReadAsStringAsync();
        page.StatusCode.Should().Be(HttpStatusCode.OK, html);
        var cookies = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var csrf = System.Text.RegularExpressions.Regex.Match(html, "name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value;
        var action = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "<form[^>]*action=\"([^\"]+)\"").Groups[1].Value);
        csrf.Should().NotBeEmpty();

        using var submit = new HttpRequestMessage(HttpMethod.Post, new Uri(_second.BaseUri, action))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["csrf"] = csrf,
                ["email"] = HostHarness.JordanEmail,
                ["password"] = "Sample-Passw0rd!",
            }),
        };
        submit.Headers.Add("Cookie", cookies);
        var response = await _http.SendAsync(submit);
        CallbackParameters(response).Should().ContainKey("code", "the second instance accepts the first's CSRF token: {0}", await response.Content.ReadAsStringAsync());
    }

    private static Uri On(RulesServerProcess server, string link) => new(server.BaseUri, new Uri(link).PathAndQuery);

    private async Task<string> ManagementTokenAsync(RulesServerProcess server)
    {
        var response = await _http.PostAsJsonAsync(new Uri(server.BaseUri, "/oauth/token"), new
        {
            grant_type = "client_credentials",
            client_id = HostHarness.ToolingClientId,
            client_secret = HostHarness.ToolingSecret,
            audience = PublicIssuer + "api/v2/",
        });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body?.ToJsonString());
        return body!["access_token"]!.GetValue<string>();
    }

    private async Task<string> LinkAsync(RulesServerProcess server, string token)
    {
        var response = await PostAsync(server, $"/users/{Uri.EscapeDataString(HostHarness.Jordan)}/impersonate", token, HostHarness.ImpersonationBody());
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return text;
    }

    private async Task<JsonObject> ExchangeAsync(RulesServerProcess server, string code)
    {
        var response = await _http.PostAsJsonAsync(new Uri(server.BaseUri, "/oauth/token"), new
        {
            grant_type = "authorization_code",
            client_id = HostHarness.PortalId,
            client_secret = HostHarness.PortalSecret,
            code,
            redirect_uri = HostHarness.PortalCallback,
        });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body?.ToJsonString());
        return body!;
    }

    private async Task<bool> VerifyWithJwksAsync(RulesServerProcess server, string jwt)
    {
        var jwks = new JsonWebKeySet(await _http.GetStringAsync(new Uri(server.BaseUri, "/.well-known/jwks.json")));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = PublicIssuer,
            ValidAudience = HostHarness.PortalId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidateLifetime = false,
        });
        return result.IsValid;
    }

    private async Task<string> ReadyVersionAsync(RulesServerProcess server) =>
        (await _http.GetFromJsonAsync<JsonObject>(new Uri(server.BaseUri, "/readyz")))!["ruleSetVersion"]!.GetValue<string>();

    private Task<HttpResponseMessage> GetAsync(RulesServerProcess server, string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUri, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _http.SendAsync(request);
    }

    private Task<HttpResponseMessage> PostAsync(RulesServerProcess server, string path, string token, JsonObject body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUri, path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _http.SendAsync(request);
    }

    private static Dictionary<string, string> CallbackParameters(HttpResponseMessage redirect) => HostHarness.CallbackParameters(redirect);
}
