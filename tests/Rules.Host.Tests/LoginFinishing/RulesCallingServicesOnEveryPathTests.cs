using System.Net;
using System.Text.Json.Nodes;
using Rules.Engine.Tests.Http;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;
using Rules.Host.Tests.MultiFactor;

namespace Rules.Host.Tests.LoginFinishing;

/// <summary>
/// Every login path runs the rules the same way (LoginFinisher.RunAsync): asynchronously, with the auth0 global, so a
/// rule that calls a service (here a loopback fake CRM, allowed by exact address) works after a redirect's continue,
/// on an impersonated login's continue and on the finish after a second factor, as on a plain login.
/// </summary>
public sealed class RulesCallingServicesOnEveryPathTests : IAsyncDisposable
{
    private const string FormUrl = "http://localhost:4000/ticket";

    /// <summary>Redirects first; at the continue, asks the CRM for the user's tier and puts it (and auth0.domain) in the ID token.</summary>
    private const string RedirectThenCallRule = """
        function (user, context, callback) {
          if (context.protocol !== 'redirect-callback') {
            context.redirect = { url: 'http://localhost:4000/ticket' };
            return callback(null, user, context);
          }
          require('request').get({ url: configuration.CRM_URL + '/tier', json: true }, function (err, response, body) {
            if (err) return callback(err);
            context.idToken['https://rules.example.com/tier'] = body.tier;
            context.idToken['https://rules.example.com/domain'] = auth0.domain;
            callback(null, user, context);
          });
        }
        """;

    /// <summary>Asks for a second factor, and on every run asks the CRM for the user's tier.</summary>
    private const string MultifactorThenCallRule = """
        function (user, context, callback) {
          context.multifactor = { provider: 'any' };
          require('request').get({ url: configuration.CRM_URL + '/tier', json: true }, function (err, response, body) {
            if (err) return callback(err);
            context.idToken['https://rules.example.com/tier'] = body.tier;
            callback(null, user, context);
          });
        }
        """;

    private readonly FakeHttpService _crm = new(_ => FakeResponse.Json(200, """{"tier":"gold"}"""));
    private readonly TempRulesDirectory _rules = new();
    private HostHarness? _host;

    public async ValueTask DisposeAsync()
    {
        _host?.Dispose();
        _rules.Dispose();
        await _crm.DisposeAsync();
    }

    private HostHarness Start(string script)
    {
        _rules.Write("crm.js", script);
        _rules.Write("rules.json", new JsonObject
        {
            ["rules"] = new JsonArray(new JsonObject { ["file"] = "crm.js" }),
            ["configuration"] = new JsonObject { ["CRM_URL"] = _crm.Origin },
        }.ToJsonString());
        _host = new HostHarness(new Dictionary<string, string?>
        {
            ["Rules:RulesDirectory"] = _rules.Rules,
            ["Rules:Egress:Allow:0"] = _crm.Origin,
        });
        return _host;
    }

    [Fact]
    public async Task A_rule_calls_a_service_and_reads_the_auth0_global_at_the_continue_of_a_redirected_login()
    {
        var host = Start(RedirectThenCallRule);
        using var browser = new LoginBrowser(host);
        var state = HostHarness.RedirectState(await browser.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail), FormUrl);
        _crm.Received.Should().BeEmpty("the first run only redirects");

        var callback = HostHarness.CallbackParameters(await browser.Http.GetAsync($"/continue?state={state}"));

        var idToken = LoginBrowser.Payload((await browser.ExchangeAsync(callback["code"]))["id_token"]!.GetValue<string>());
        idToken["https://rules.example.com/tier"]!.GetValue<string>().Should().Be("gold");
        idToken["https://rules.example.com/domain"]!.GetValue<string>().Should().Be("localhost");
        _crm.Received.Should().ContainSingle().Which.Target.Should().Be("/tier");
    }

    [Fact]
    public async Task A_rule_calls_a_service_at_the_continue_of_an_impersonated_login()
    {
        var host = Start(RedirectThenCallRule);
        using var impersonator = new LoginBrowser(host);
        var state = HostHarness.RedirectState(await host.FollowAsync(await host.CreateLinkAsync(), impersonator.Http), FormUrl);

        var callback = HostHarness.CallbackParameters(await impersonator.Http.GetAsync($"/continue?state={state}"));

        var tokens = await host.ExchangeAsync(callback["code"]);
        var body = await tokens.Content.ReadAsStringAsync();
        tokens.StatusCode.Should().Be(HttpStatusCode.OK, body);
        var idToken = LoginBrowser.Payload(JsonNode.Parse(body)!["id_token"]!.GetValue<string>());
        idToken["https://rules.example.com/tier"]!.GetValue<string>().Should().Be("gold");
        idToken["https://rules.example.com/domain"]!.GetValue<string>().Should().Be("localhost");
        idToken["impersonated"]!.GetValue<bool>().Should().BeTrue();
        _crm.Received.Should().ContainSingle();
    }

    [Fact]
    public async Task A_rule_calls_a_service_when_the_login_finishes_after_a_second_factor()
    {
        var host = Start(MultifactorThenCallRule);
        using var browser = new LoginBrowser(host);
        var query = LoginBrowser.Query();

        var (_, _, callback) = await MultifactorSteps.EnrollAsync(host, browser, query);

        var idToken = LoginBrowser.Payload((await browser.ExchangeAsync(HostHarness.CallbackParameters(callback)["code"]))["id_token"]!.GetValue<string>());
        idToken["https://rules.example.com/tier"]!.GetValue<string>().Should().Be("gold");
        _crm.Received.Should().HaveCount(2, "the rules ran at the password and again after the second factor");
        host.AuditEntries("s").Should().ContainSingle();
    }
}
