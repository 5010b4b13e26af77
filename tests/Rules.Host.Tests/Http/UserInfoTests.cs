using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Rules.Host.Tests.Http;

/// <summary>GET /userinfo with the access token from the code exchange, and the access token's own claims.</summary>
public class UserInfoTests
{
    [Fact]
    public async Task Userinfo_returns_the_impersonated_users_profile_and_the_impersonator()
    {
        using var host = new HostHarness();
        var tokens = await host.TokensAsync();
        var profile = await UserInfo(host, tokens["access_token"]!.GetValue<string>());
        profile["sub"]!.GetValue<string>().Should().Be(HostHarness.Jordan);
        profile["email"]!.GetValue<string>().Should().Be(HostHarness.JordanEmail);
        profile["email_verified"]!.GetValue<bool>().Should().BeTrue();
        profile["name"]!.GetValue<string>().Should().Be("Jordan Lee");
        profile["nickname"]!.GetValue<string>().Should().Be("jordan");
        profile["impersonated"]!.GetValue<bool>().Should().BeTrue();
        profile["impersonator"]!.ToJsonString().Should().Be(new JsonObject { ["user_id"] = HostHarness.Priya, ["email"] = HostHarness.PriyaEmail }.ToJsonString());
        profile.Should().NotContainKey("app_metadata");
    }

    [Fact]
    public async Task Userinfo_releases_only_what_the_scopes_allow()
    {
        using var host = new HostHarness();
        var tokens = await host.TokensAsync(body: HostHarness.ImpersonationBody(scope: "openid"));
        var profile = await UserInfo(host, tokens["access_token"]!.GetValue<string>());
        profile.Select(p => p.Key).Should().BeEquivalentTo("sub", "impersonated", "impersonator");
    }

    [Fact]
    public async Task The_access_token_carries_the_rules_claims_and_the_scopes_the_rules_left()
    {
        using var host = new HostHarness();
        var tokens = await host.TokensAsync(body: HostHarness.ImpersonationBody(scope: "openid profile read:orders delete:account"));
        var token = await ImpersonationFlowTests.ValidateAgainstJwksAsync(host, tokens["access_token"]!.GetValue<string>(), HostHarness.Issuer + "userinfo");
        token.Subject.Should().Be(HostHarness.Jordan);
        token.GetPayloadValue<string>("azp").Should().Be(HostHarness.PortalId);
        // The sample rule drops delete:* scopes from impersonated sessions.
        token.GetPayloadValue<string>("scope").Should().Be("openid profile read:orders");
        token.GetPayloadValue<string>("https://rules.example.com/impersonator_id").Should().Be(HostHarness.Priya);
        token.GetPayloadValue<bool>("impersonated").Should().BeTrue();
        ImpersonationFlowTests.Json(token, "act").Should().Contain(HostHarness.Priya);
        (token.ValidTo - token.IssuedAt).Should().Be(TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task Without_a_valid_access_token_userinfo_is_401_with_a_bearer_challenge()
    {
        using var host = new HostHarness();
        var none = await host.Client.GetAsync("/userinfo");
        none.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        none.Headers.WwwAuthenticate.Single().Scheme.Should().Be("Bearer");

        var tokens = await host.TokensAsync();
        foreach (var wrong in new[] { "garbage", tokens["id_token"]!.GetValue<string>(), await host.ManagementTokenAsync(), Tamper(tokens["access_token"]!.GetValue<string>()) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/userinfo");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", wrong);
            var response = await host.Client.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await response.Content.ReadFromJsonAsync<JsonObject>())!["statusCode"]!.GetValue<int>().Should().Be(401);
        }
    }

    [Fact]
    public async Task An_expired_access_token_is_refused()
    {
        using var host = new HostHarness();
        var tokens = await host.TokensAsync();
        host.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens["access_token"]!.GetValue<string>());
        var response = await host.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>().Should().Be("Expired token received for JSON Web Token validation");
        response.Headers.WwwAuthenticate.ToString().Should()
            .Be("Bearer realm=\"userinfo\", error=\"invalid_token\", error_description=\"Expired token received for JSON Web Token validation\"");
    }

    private static async Task<JsonObject> UserInfo(HostHarness host, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var response = await host.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Changes the payload (sub) but keeps the signature: must fail validation.</summary>
    private static string Tamper(string jwt)
    {
        var parts = jwt.Split('.');
        var payload = JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload["sub"] = HostHarness.Sam;
        parts[1] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload.ToJsonString());
        return string.Join('.', parts);
    }
}
