using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.Redirect;

/// <summary>An Actions-style policy redirects through the server: sendUserTo, a signed token out and back, onContinuePostLogin.</summary>
public sealed class RedirectActionFlowTests : IDisposable
{
    private const string Secret = "an-action-secret-of-at-least-32-bytes!!";

    private const string ProfileAction = $$"""
        exports.onExecutePostLogin = async (event, api) => {
          if (event.request.query.ask !== '1') return;
          api.user.setAppMetadata('asked', true);
          const token = api.redirect.encodeToken({ secret: '{{Secret}}', payload: { email: event.user.email }, expiresInSeconds: 120 });
          api.redirect.sendUserTo('http://localhost:4000/profile', { query: { session_token: token } });
        };
        exports.onContinuePostLogin = async (event, api) => {
          const answer = api.redirect.validateToken({ secret: '{{Secret}}', tokenParameterName: 'answer' });
          api.idToken.setCustomClaim('https://rules.example.com/nickname', answer.nickname);
        };
        """;

    private readonly TempRulesDirectory _rules = new();
    private readonly HostHarness _host;
    private readonly LoginBrowser _browser;

    public RedirectActionFlowTests()
    {
        _rules.Write("profile.js", ProfileAction);
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
    public async Task An_action_redirects_with_a_signed_token_and_its_continue_handler_reads_the_signed_answer()
    {
        var response = await _browser.SignInAsync(LoginBrowser.Query(extra: ("ask", "1")), HostHarness.JordanEmail);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = new Uri(response.Headers.Location!.ToString());
        location.GetLeftPart(UriPartial.Path).Should().Be("http://localhost:4000/profile");
        var query = QueryHelpers.ParseQuery(location.Query);
        var state = query["state"].ToString();
        var outgoing = LoginBrowser.Payload(query["session_token"].ToString());
        outgoing["sub"]!.GetValue<string>().Should().Be(HostHarness.Jordan);
        outgoing["state"]!.GetValue<string>().Should().Be(state);
        _host.Scalar<string>("SELECT profile FROM users WHERE user_id = @id", new { id = HostHarness.Jordan })
            .Should().NotContain("asked", "a suspended login writes no metadata");

        // The page answers with a token of its own, signed with the shared secret and bound to the state.
        var answer = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(
            $$"""{ "state": "{{state}}", "nickname": "jl", "exp": {{_host.Clock.GetUtcNow().AddMinutes(2).ToUnixTimeSeconds()}} }""",
            new Microsoft.IdentityModel.Tokens.SigningCredentials(
                new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(Secret)), "HS256"));
        var continued = await _browser.Http.PostAsync("/continue", new FormUrlEncodedContent(new Dictionary<string, string> { ["state"] = state, ["answer"] = answer }));

        var tokens = await _browser.ExchangeAsync(HostHarness.CallbackParameters(continued)["code"]);
        LoginBrowser.Payload(tokens["id_token"]!.GetValue<string>())["https://rules.example.com/nickname"]!.GetValue<string>().Should().Be("jl");
        _host.Scalar<string>("SELECT profile FROM users WHERE user_id = @id", new { id = HostHarness.Jordan })
            .Should().Contain("asked", "the metadata the action set before redirecting is written once the login is allowed");
    }

    [Fact]
    public async Task A_forged_answer_denies_the_continue()
    {
        var response = await _browser.SignInAsync(LoginBrowser.Query(extra: ("ask", "1")), HostHarness.JordanEmail);
        var state = QueryHelpers.ParseQuery(response.Headers.Location!.Query)["state"].ToString();
        var forged = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(
            $$"""{ "state": "{{state}}", "nickname": "admin", "exp": {{_host.Clock.GetUtcNow().AddMinutes(2).ToUnixTimeSeconds()}} }""",
            new Microsoft.IdentityModel.Tokens.SigningCredentials(
                new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes("not-the-secret-but-long-enough-0000000")), "HS256"));

        var continued = await _browser.Http.GetAsync($"/continue?state={state}&answer={forged}");

        var callback = HostHarness.CallbackParameters(continued);
        callback["error"].Should().Be("access_denied");
        callback.Should().NotContainKey("code");
    }
}
