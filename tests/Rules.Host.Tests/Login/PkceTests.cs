using System.Net;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Login;

/// <summary>PKCE (S256): required of the public SPA, checked at the code exchange for every client that used it.</summary>
public sealed class PkceTests : IDisposable
{
    private readonly HostHarness _host = new();
    private readonly LoginBrowser _browser;

    public PkceTests() => _browser = new LoginBrowser(_host);

    private static string SpaQuery(string? challenge, string method = "S256")
    {
        return challenge is null
            ? LoginBrowser.Query(LoginBrowser.SpaId, LoginBrowser.SpaCallback)
            : LoginBrowser.Query(LoginBrowser.SpaId, LoginBrowser.SpaCallback, extra: [("code_challenge", challenge), ("code_challenge_method", method)]);
    }

    [Fact]
    public async Task A_public_client_signs_in_with_pkce_and_no_secret()
    {
        var (verifier, challenge) = LoginBrowser.NewPkce();
        var callback = await _browser.SignInForCallbackAsync(SpaQuery(challenge), HostHarness.JordanEmail, LoginBrowser.SpaCallback);

        var tokens = await _browser.ExchangeAsync(callback["code"], LoginBrowser.SpaId, secret: null, LoginBrowser.SpaCallback, verifier);

        LoginBrowser.Payload(tokens["id_token"]!.GetValue<string>())["aud"]!.GetValue<string>().Should().Be(LoginBrowser.SpaId);
        _host.AuditEntries("s").Single().Details["pkce"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_wrong_verifier_burns_the_code()
    {
        var (verifier, challenge) = LoginBrowser.NewPkce();
        var callback = await _browser.SignInForCallbackAsync(SpaQuery(challenge), HostHarness.JordanEmail, LoginBrowser.SpaCallback);

        var wrong = await _browser.ExchangeAsync(callback["code"], LoginBrowser.SpaId, null, LoginBrowser.SpaCallback, LoginBrowser.NewPkce().Verifier, HttpStatusCode.BadRequest);
        var right = await _browser.ExchangeAsync(callback["code"], LoginBrowser.SpaId, null, LoginBrowser.SpaCallback, verifier, HttpStatusCode.BadRequest);

        wrong["error"]!.GetValue<string>().Should().Be("invalid_grant");
        wrong["error_description"]!.GetValue<string>().Should().Contain("does not match");
        right["error"]!.GetValue<string>().Should().Be("invalid_grant", "a code is spent by its first exchange, right or wrong");
    }

    [Fact]
    public async Task A_missing_verifier_is_refused()
    {
        var (_, challenge) = LoginBrowser.NewPkce();
        var callback = await _browser.SignInForCallbackAsync(SpaQuery(challenge), HostHarness.JordanEmail, LoginBrowser.SpaCallback);

        var response = await _browser.ExchangeAsync(callback["code"], LoginBrowser.SpaId, null, LoginBrowser.SpaCallback, verifier: null, HttpStatusCode.BadRequest);

        response["error_description"]!.GetValue<string>().Should().Contain("code_verifier");
    }

    [Fact]
    public async Task A_public_client_must_use_pkce()
    {
        var response = await _browser.AuthorizeAsync(SpaQuery(challenge: null));

        var callback = HostHarness.CallbackParameters(response, LoginBrowser.SpaCallback);
        callback["error"].Should().Be("invalid_request");
        callback["error_description"].Should().Contain("PKCE");
    }

    [Fact]
    public async Task The_plain_method_is_not_accepted()
    {
        var (verifier, _) = LoginBrowser.NewPkce();
        var response = await _browser.AuthorizeAsync(SpaQuery(verifier, "plain"));

        HostHarness.CallbackParameters(response, LoginBrowser.SpaCallback)["error_description"].Should().Contain("S256");
    }

    [Fact]
    public async Task A_public_client_cannot_authenticate_with_a_secret_or_use_client_credentials()
    {
        var response = await _browser.Http.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = LoginBrowser.SpaId,
            ["audience"] = HostHarness.ManagementAudience,
        }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("unauthorized_client");
    }

    [Fact]
    public async Task A_confidential_client_that_used_pkce_must_present_the_verifier_too()
    {
        var (verifier, challenge) = LoginBrowser.NewPkce();
        var query = LoginBrowser.Query(extra: [("code_challenge", challenge), ("code_challenge_method", "S256")]);
        var first = await _browser.SignInForCallbackAsync(query, HostHarness.JordanEmail);
        (await _browser.ExchangeAsync(first["code"], expected: HttpStatusCode.BadRequest))["error"]!.GetValue<string>().Should().Be("invalid_grant");

        var second = HostHarness.CallbackParameters(await _browser.AuthorizeAsync(query));   // SSO: no page this time
        (await _browser.ExchangeAsync(second["code"], verifier: verifier)).ContainsKey("access_token").Should().BeTrue();
    }

    public void Dispose()
    {
        _browser.Dispose();
        _host.Dispose();
    }
}
