using System.Net;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Login;

/// <summary>Each response type and response mode of /authorize, through the login page, with the tokens they carry.</summary>
public sealed class AuthorizeResponseTypeTests : IDisposable
{
    private readonly HostHarness _host = new();
    private readonly LoginBrowser _browser;

    public AuthorizeResponseTypeTests() => _browser = new LoginBrowser(_host);

    [Fact]
    public async Task Authorize_without_a_session_sends_the_browser_to_the_login_page_with_the_same_parameters()
    {
        var query = LoginBrowser.Query();

        var response = await _browser.AuthorizeAsync(query);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Be("/login?" + query);
        var page = await _browser.LoginPageAsync(query);
        page.Should().Contain("Acme Customer Portal").And.Contain("name=\"password\"").And.Contain("name=\"csrf\"");
    }

    [Fact]
    public async Task Code_in_the_query_exchanges_for_tokens_of_the_user_without_impersonation_claims()
    {
        var callback = await _browser.SignInForCallbackAsync(LoginBrowser.Query(extra: ("nonce", "n-42")), HostHarness.JordanEmail);

        callback.Should().ContainKey("code");
        callback["state"].Should().Be("st-1");
        var tokens = await _browser.ExchangeAsync(callback["code"]);
        var idToken = LoginBrowser.Payload(tokens["id_token"]!.GetValue<string>());
        idToken["sub"]!.GetValue<string>().Should().Be(HostHarness.Jordan);
        idToken["aud"]!.GetValue<string>().Should().Be(HostHarness.PortalId);
        idToken["nonce"]!.GetValue<string>().Should().Be("n-42");
        idToken["email"]!.GetValue<string>().Should().Be(HostHarness.JordanEmail);
        idToken["sid"]!.GetValue<string>().Should().StartWith("ses_");
        idToken["https://rules.example.com/roles"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("customer");
        foreach (var claim in new[] { "impersonated", "impersonator", "act" })
        {
            idToken.ContainsKey(claim).Should().BeFalse($"a user's own login carries no '{claim}' claim");
            LoginBrowser.Payload(tokens["access_token"]!.GetValue<string>()).ContainsKey(claim).Should().BeFalse();
        }
    }

    [Fact]
    public async Task Token_in_the_fragment_carries_an_access_token_only()
    {
        var callback = await _browser.SignInForCallbackAsync(LoginBrowser.Query(responseType: "token"), HostHarness.JordanEmail);

        callback.Keys.Should().BeEquivalentTo("access_token", "token_type", "expires_in", "state");
        callback["token_type"].Should().Be("Bearer");
        LoginBrowser.Payload(callback["access_token"])["sub"]!.GetValue<string>().Should().Be(HostHarness.Jordan);
    }

    [Fact]
    public async Task Id_token_token_in_the_fragment_carries_both_tokens_tied_by_at_hash_and_nonce()
    {
        var response = await _browser.SignInAsync(LoginBrowser.Query(responseType: "id_token token", extra: ("nonce", "n-7")), HostHarness.JordanEmail);

        response.Headers.Location!.ToString().Should().StartWith(HostHarness.PortalCallback + "#");
        var callback = HostHarness.CallbackParameters(response);
        var idToken = LoginBrowser.Payload(callback["id_token"]);
        idToken["nonce"]!.GetValue<string>().Should().Be("n-7");
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(callback["access_token"]));
        idToken["at_hash"]!.GetValue<string>().Should().Be(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(hash, 0, 16));
    }

    [Fact]
    public async Task Form_post_returns_a_page_that_posts_the_code_and_state_to_the_callback()
    {
        var response = await _browser.SignInAsync(LoginBrowser.Query(extra: ("response_mode", "form_post")), HostHarness.JordanEmail);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var (action, fields) = LoginBrowser.Form(await response.Content.ReadAsStringAsync());
        action.Should().Be(HostHarness.PortalCallback);
        fields.Keys.Should().BeEquivalentTo("code", "state");
        fields["state"].Should().Be("st-1");
        (await _browser.ExchangeAsync(fields["code"])).ContainsKey("id_token").Should().BeTrue();
    }

    [Fact]
    public async Task Id_token_alone_in_form_post_carries_the_id_token()
    {
        var response = await _browser.SignInAsync(
            LoginBrowser.Query(responseType: "id_token", scope: "openid", extra: [("nonce", "n-1"), ("response_mode", "form_post")]), HostHarness.JordanEmail);

        var (_, fields) = LoginBrowser.Form(await response.Content.ReadAsStringAsync());
        fields.Keys.Should().BeEquivalentTo("id_token", "state");
        LoginBrowser.Payload(fields["id_token"])["sub"]!.GetValue<string>().Should().Be(HostHarness.Jordan);
    }

    [Theory]
    [InlineData("code id_token", "unsupported_response_type")]
    [InlineData("password", "unsupported_response_type")]
    [InlineData("id_token", "invalid_request")]               // no nonce
    public async Task An_unusable_response_type_is_answered_at_the_callback(string responseType, string error)
    {
        var response = await _browser.AuthorizeAsync(LoginBrowser.Query(responseType: responseType));

        var callback = HostHarness.CallbackParameters(response);
        callback["error"].Should().Be(error);
        callback["state"].Should().Be("st-1");
        callback.Should().NotContainKey("code");
    }

    [Fact]
    public async Task Tokens_are_never_put_in_a_query_string()
    {
        var response = await _browser.AuthorizeAsync(LoginBrowser.Query(responseType: "token", extra: ("response_mode", "query")));

        var callback = HostHarness.CallbackParameters(response);
        callback["error"].Should().Be("invalid_request");
        callback["error_description"].Should().Contain("query");
    }

    [Fact]
    public async Task A_client_without_the_implicit_grant_cannot_ask_for_tokens()
    {
        var response = await _browser.AuthorizeAsync(LoginBrowser.Query(HostHarness.BillingId, HostHarness.BillingCallback, responseType: "token"));

        HostHarness.CallbackParameters(response, HostHarness.BillingCallback)["error"].Should().Be("unauthorized_client");
    }

    [Theory]
    [InlineData("no-such-client", HostHarness.PortalCallback, "Unknown client")]
    [InlineData(HostHarness.PortalId, "https://evil.example.com/callback", "Callback URL mismatch")]
    [InlineData(HostHarness.PortalId, "http://localhost:3000/callback/", "Callback URL mismatch")]
    public async Task Without_a_trusted_callback_the_browser_gets_an_error_page_and_no_redirect(string clientId, string redirectUri, string message)
    {
        var response = await _browser.AuthorizeAsync(LoginBrowser.Query(clientId, redirectUri));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Headers.Location.Should().BeNull();
        (await response.Content.ReadAsStringAsync()).Should().Contain(message);
        _host.AuditEntries("f").Should().ContainSingle().Which.description.Should().Contain(message);
    }

    [Fact]
    public async Task A_repeated_parameter_is_refused_rather_than_guessed()
    {
        var response = await _browser.AuthorizeAsync(LoginBrowser.Query() + "&redirect_uri=https%3A%2F%2Fevil.example.com%2F");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Headers.Location.Should().BeNull();
    }

    [Fact]
    public async Task The_rules_see_the_protocol_Auth0_sets_for_each_response_type()
    {
        await _browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        using var other = new LoginBrowser(_host);
        await other.SignInAsync(LoginBrowser.Query(responseType: "token"), HostHarness.JordanEmail);

        var protocols = _host.DecisionRecords().Select(r => r["transaction"]!["context"]!["protocol"]!.GetValue<string>());
        protocols.Should().Equal("oidc-basic-profile", "oidc-implicit-profile");
    }

    public void Dispose()
    {
        _browser.Dispose();
        _host.Dispose();
    }
}
