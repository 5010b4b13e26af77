using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Rules.Host.OAuth;

namespace Rules.Host.Tests.Http;

/// <summary>grant_type=authorization_code: a code works once, in time, for its client and redirect only.</summary>
public class AuthorizationCodeTests
{
    [Fact]
    public async Task A_code_works_once()
    {
        using var host = new HostHarness();
        var code = await host.CodeAsync();
        (await host.ExchangeAsync(code)).StatusCode.Should().Be(HttpStatusCode.OK);
        var again = await host.ExchangeAsync(code);
        await ShouldBeOAuthError(again, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Of_many_concurrent_exchanges_of_one_code_exactly_one_succeeds()
    {
        using var host = new HostHarness();
        var code = await host.CodeAsync();
        var clients = Enumerable.Range(0, 30).Select(_ => host.NewClient()).ToArray();
        var responses = await Task.WhenAll(clients.Select(c => Task.Run(() => c.PostAsJsonAsync("/oauth/token", new
        {
            grant_type = "authorization_code", client_id = HostHarness.PortalId, client_secret = HostHarness.PortalSecret, code, redirect_uri = HostHarness.PortalCallback,
        }))));
        responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest).Should().Be(29);
        host.AuditEntries("seacft").Should().ContainSingle();
        host.AuditEntries("feacft").Should().HaveCount(29);
    }

    [Fact]
    public async Task A_code_shown_by_another_client_fails_and_is_burned()
    {
        using var host = new HostHarness();
        var code = await host.CodeAsync();
        var stolen = await host.ExchangeAsync(code, HostHarness.BillingId, HostHarness.BillingSecret, HostHarness.PortalCallback);
        (await ShouldBeOAuthError(stolen, HttpStatusCode.BadRequest, "invalid_grant")).Should().Be("The authorization code was not issued to this client");
        await ShouldBeOAuthError(await host.ExchangeAsync(code), HttpStatusCode.BadRequest, "invalid_grant");

        var failure = host.AuditEntries("feacft")[0];
        failure.client_id.Should().Be(HostHarness.BillingId);
        failure.user_id.Should().Be(HostHarness.Jordan);
        failure.impersonator_id.Should().Be(HostHarness.Priya);
        failure.Details["code_burned"]!.GetValue<bool>().Should().BeTrue();
    }

    [Theory]
    [InlineData("https://portal.acme.example.com/callback")] // the client's other callback
    [InlineData("http://localhost:3000/callback/")]
    [InlineData("http://localhost:3000/Callback")]
    public async Task A_code_with_another_redirect_uri_fails_and_is_burned(string redirectUri)
    {
        using var host = new HostHarness();
        var code = await host.CodeAsync();
        var wrong = await host.ExchangeAsync(code, redirectUri: redirectUri);
        (await ShouldBeOAuthError(wrong, HttpStatusCode.BadRequest, "invalid_grant")).Should().Contain("redirect_uri does not match");
        await ShouldBeOAuthError(await host.ExchangeAsync(code), HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task A_wrong_client_secret_is_401_and_leaves_the_code_usable()
    {
        using var host = new HostHarness();
        var code = await host.CodeAsync();
        var wrong = await host.ExchangeAsync(code, secret: HostHarness.PortalSecret[..^1] + "X");
        (await ShouldBeOAuthError(wrong, HttpStatusCode.Unauthorized, "invalid_client")).Should().Be("Client authentication failed: unknown client or wrong client secret");
        var unknown = await host.ExchangeAsync(code, clientId: "no-such-client");
        (await ShouldBeOAuthError(unknown, HttpStatusCode.Unauthorized, "invalid_client")).Should().Be("Client authentication failed: unknown client or wrong client secret");
        var missing = await host.TokenAsync(new { grant_type = "authorization_code", client_id = HostHarness.PortalId, code, redirect_uri = HostHarness.PortalCallback });
        await ShouldBeOAuthError(missing, HttpStatusCode.Unauthorized, "invalid_client");

        (await host.ExchangeAsync(code)).StatusCode.Should().Be(HttpStatusCode.OK);
        host.AuditEntries("feacft").Should().HaveCount(3).And.OnlyContain(e => e.Details["error"]!.GetValue<string>() == "invalid_client");
    }

    [Fact]
    public async Task A_code_expires_after_sixty_seconds()
    {
        using var host = new HostHarness();
        var inTime = await host.CodeAsync();
        var late = await host.CodeAsync();
        host.Clock.Advance(TimeSpan.FromSeconds(59));
        (await host.ExchangeAsync(inTime)).StatusCode.Should().Be(HttpStatusCode.OK);
        host.Clock.Advance(TimeSpan.FromSeconds(2));
        (await ShouldBeOAuthError(await host.ExchangeAsync(late), HttpStatusCode.BadRequest, "invalid_grant")).Should().Contain("expired");
    }

    [Fact]
    public async Task Only_the_codes_hash_is_stored()
    {
        using var host = new HostHarness();
        var code = await host.CodeAsync();
        host.Scalar<long>("SELECT COUNT(*) FROM authorization_codes WHERE code_hash = @hash", new { hash = Secrets.Hash(code) }).Should().Be(1);
        host.Scalar<long>("SELECT COUNT(*) FROM authorization_codes WHERE \"grant\" LIKE @like", new { like = $"%{code}%" }).Should().Be(0);
        host.Scalar<string>("SELECT expires_at FROM authorization_codes").Should().Be("2026-03-10T15:01:00.0000000Z");
    }

    [Fact]
    public async Task Callback_url_is_accepted_as_the_name_of_the_redirect_uri()
    {
        using var host = new HostHarness();
        var code = await host.CodeAsync();
        var response = await host.TokenAsync(new { grant_type = "authorization_code", client_id = HostHarness.PortalId, client_secret = HostHarness.PortalSecret, code, callback_url = HostHarness.PortalCallback });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Redirect_uri_and_callback_url_must_agree_when_both_are_given()
    {
        using var host = new HostHarness();
        var response = await host.TokenAsync(new
        {
            grant_type = "authorization_code", client_id = HostHarness.PortalId, client_secret = HostHarness.PortalSecret, code = "x",
            redirect_uri = HostHarness.PortalCallback, callback_url = "https://portal.acme.example.com/callback",
        });
        await ShouldBeOAuthError(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task A_form_encoded_exchange_works()
    {
        using var host = new HostHarness();
        var code = await host.CodeAsync();
        var response = await host.TokenFormAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = HostHarness.PortalId, ["client_secret"] = HostHarness.PortalSecret,
            ["code"] = code, ["redirect_uri"] = HostHarness.PortalCallback,
        });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!.Should().ContainKey("id_token");
    }

    [Fact]
    public async Task Http_basic_client_authentication_works_and_cannot_be_mixed_with_a_body_secret()
    {
        using var host = new HostHarness();
        var code = await host.CodeAsync();
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{HostHarness.PortalId}:{Uri.EscapeDataString(HostHarness.PortalSecret)}")));

        using var mixed = new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code", ["client_secret"] = HostHarness.PortalSecret, ["code"] = code, ["redirect_uri"] = HostHarness.PortalCallback,
            }),
        };
        mixed.Headers.Authorization = basic;
        await ShouldBeOAuthError(await host.Client.SendAsync(mixed), HttpStatusCode.BadRequest, "invalid_request");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = HostHarness.PortalCallback,
            }),
        };
        request.Headers.Authorization = basic;
        (await host.Client.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Wrong_basic_credentials_get_401_with_a_basic_challenge()
    {
        using var host = new HostHarness();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/token") { Content = JsonContent.Create(new { grant_type = "authorization_code", code = "x", redirect_uri = HostHarness.PortalCallback }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{HostHarness.PortalId}:wrong")));
        var response = await host.Client.SendAsync(request);
        await ShouldBeOAuthError(response, HttpStatusCode.Unauthorized, "invalid_client");
        response.Headers.WwwAuthenticate.Single().Scheme.Should().Be("Basic");
    }

    [Theory]
    [InlineData("code", "Missing required parameter: code")]
    [InlineData("redirect_uri", "Missing required parameter: redirect_uri (or callback_url)")]
    public async Task Missing_parameters_are_invalid_request(string omitted, string message)
    {
        using var host = new HostHarness();
        var body = new JsonObject
        {
            ["grant_type"] = "authorization_code", ["client_id"] = HostHarness.PortalId, ["client_secret"] = HostHarness.PortalSecret,
            ["code"] = "x", ["redirect_uri"] = HostHarness.PortalCallback,
        };
        body.Remove(omitted);
        (await ShouldBeOAuthError(await host.TokenAsync(body), HttpStatusCode.BadRequest, "invalid_request")).Should().Be(message);
    }

    [Fact]
    public async Task A_client_without_the_authorization_code_grant_is_unauthorized_client()
    {
        using var host = new HostHarness();
        var response = await host.ExchangeAsync("x", HostHarness.ToolingClientId, HostHarness.ToolingSecret);
        (await ShouldBeOAuthError(response, HttpStatusCode.BadRequest, "unauthorized_client")).Should().Be("Grant type 'authorization_code' not allowed for the client.");
    }

    [Fact]
    public async Task The_exchange_is_audited_with_the_impersonator()
    {
        using var host = new HostHarness();
        await host.TokensAsync();
        var entry = host.AuditEntries("seacft").Should().ContainSingle().Subject;
        entry.client_id.Should().Be(HostHarness.PortalId);
        entry.client_name.Should().Be("Acme Customer Portal");
        entry.user_id.Should().Be(HostHarness.Jordan);
        entry.impersonator_id.Should().Be(HostHarness.Priya);
        entry.impersonator_email.Should().Be(HostHarness.PriyaEmail);
        entry.ip.Should().Be(HostHarness.ClientIp);
        entry.Details["decision_id"]!.GetValue<string>().Should().Be(host.DecisionRecords().Single()["id"]!.GetValue<string>());
    }

    public static async Task<string> ShouldBeOAuthError(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        var body = JsonNode.Parse(text)!.AsObject();
        body.Select(p => p.Key).Should().BeEquivalentTo("error", "error_description");
        body["error"]!.GetValue<string>().Should().Be(error);
        return body["error_description"]!.GetValue<string>();
    }
}
