using System.Net;
using System.Text.Json.Nodes;
using Rules.Host.MultiFactor;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;
using static Rules.Host.Tests.MultiFactor.MultifactorSteps;

namespace Rules.Host.Tests.MultiFactor;

/// <summary>
/// A rule redirects, and at the continue a later rule asks for a second factor: the challenge page gets the authorize
/// request (not the continue's state), and once the factor is proved the rules run again from the first; a redirect on
/// that run is followed and its continue does not ask for the factor a second time.
/// </summary>
public sealed class MultifactorAfterRedirectTests : IDisposable
{
    private const string FormUrl = "http://localhost:4000/terms";

    private const string TermsRule = """
        function (user, context, callback) {
          if (context.protocol !== 'redirect-callback') {
            context.redirect = { url: 'http://localhost:4000/terms' };
          }
          callback(null, user, context);
        }
        """;

    private readonly TempRulesDirectory _rules = new();
    private readonly HostHarness _host;
    private readonly LoginBrowser _browser;
    private readonly string _query = LoginBrowser.Query();

    public MultifactorAfterRedirectTests()
    {
        _rules.Write("terms.js", TermsRule);
        _rules.Write("mfa.js", AlwaysForJordan);
        _rules.Write("rules.json", new JsonObject
        {
            ["rules"] = new JsonArray(new JsonObject { ["file"] = "terms.js" }, new JsonObject { ["file"] = "mfa.js" }),
        }.ToJsonString());
        _host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = _rules.Rules });
        _browser = new LoginBrowser(_host);
    }

    public void Dispose()
    {
        _browser.Dispose();
        _host.Dispose();
        _rules.Dispose();
    }

    [Fact]
    public async Task A_second_factor_asked_for_at_the_continue_is_challenged_with_the_authorize_request_and_asked_only_once()
    {
        var first = HostHarness.RedirectState(await _browser.SignInAsync(_query, HostHarness.JordanEmail), FormUrl);

        var continued = await _browser.Http.GetAsync($"/continue?state={first}");
        continued.StatusCode.Should().Be(HttpStatusCode.Redirect, await continued.Content.ReadAsStringAsync());
        continued.Headers.Location!.ToString().Should().Be("/login/mfa?" + _query, "the challenge page validates the authorize request again");
        _host.Scalar<long>("SELECT COUNT(*) FROM authorization_codes").Should().Be(0);

        var secret = SecretOn(await PageAsync(_browser, _query));
        var confirmed = await SubmitAsync(_browser, _query, Totp.Compute(secret, _host.Clock.GetUtcNow()));
        var codesPage = await confirmed.Content.ReadAsStringAsync();
        confirmed.StatusCode.Should().Be(HttpStatusCode.OK, codesPage);
        var finished = await _browser.Http.PostAsync("/login/mfa/continue?" + _query,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = LoginBrowser.Csrf(codesPage) }));

        // The rules run again from the first after the factor: this rule redirects on every fresh run.
        var second = HostHarness.RedirectState(finished, FormUrl);
        var callback = HostHarness.CallbackParameters(await _browser.Http.GetAsync($"/continue?state={second}"));

        var idToken = LoginBrowser.Payload((await _browser.ExchangeAsync(callback["code"]))["id_token"]!.GetValue<string>());
        idToken["sub"]!.GetValue<string>().Should().Be(HostHarness.Jordan);
        _host.AuditEntries("mfar").Should().ContainSingle("the proved factor travels with the second redirect");
        _host.AuditEntries("s").Should().ContainSingle();
        _host.DecisionRecords()[^1].ToJsonString().Should().Contain("\"name\":\"mfa\"", "the last run saw the completed challenge");
    }
}
