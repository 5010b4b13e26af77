using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Rules.Samples.Tests;

/// <summary>
/// Signs in through the embedding sample (Rules.Samples/OpenIddictServer, in-process): its rules deny a suspended
/// account with the rule's message, and put the roles claim in the tokens OpenIddict signs.
/// </summary>
public sealed class OpenIddictServerTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    private async Task<(HttpStatusCode Status, JsonObject Body)> SignInAsync(string username, string password, string clientId = "sample-app")
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = clientId,
            ["username"] = username,
            ["password"] = password,
            ["scope"] = "openid email",
        }));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private async Task<JsonWebToken> ValidatedAsync(string token)
    {
        using var client = factory.CreateClient();
        var discovery = JsonNode.Parse(await client.GetStringAsync("/.well-known/openid-configuration"))!;
        var keys = new JsonWebKeySet(await client.GetStringAsync(discovery["jwks_uri"]!.GetValue<string>()));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = discovery["issuer"]!.GetValue<string>(),
            ValidateAudience = false,
            IssuerSigningKeys = keys.GetSigningKeys(),
            // OpenIddict types its tokens (at+jwt for access tokens).
            ValidTypes = ["JWT", "at+jwt"],
        });
        result.IsValid.Should().BeTrue(result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    [Fact]
    public async Task A_rule_adds_the_users_roles_to_the_signed_tokens()
    {
        var (status, body) = await SignInAsync("alice@example.com", "correct horse battery staple");

        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var idToken = await ValidatedAsync(body["id_token"]!.GetValue<string>());
        var accessToken = await ValidatedAsync(body["access_token"]!.GetValue<string>());
        idToken.Subject.Should().Be("auth0|alice");
        idToken.GetPayloadValue<string[]>("https://example.com/roles").Should().Equal("admin", "support");
        accessToken.GetPayloadValue<string[]>("https://example.com/roles").Should().Equal("admin", "support");
        accessToken.GetPayloadValue<string>("https://example.com/client").Should().Be("sample-app");
        idToken.TryGetPayloadValue<string>("https://example.com/client", out _).Should().BeFalse("the rule put that claim on the access token only");
    }

    [Fact]
    public async Task A_rule_denies_a_suspended_account_with_its_message_and_no_token()
    {
        var (status, body) = await SignInAsync("mallory@example.com", "hunter2 hunter2");

        status.Should().Be(HttpStatusCode.BadRequest);
        body["error"]!.GetValue<string>().Should().Be("access_denied");
        body["error_description"]!.GetValue<string>().Should().Be("This account is suspended. Contact support.");
        body.ContainsKey("access_token").Should().BeFalse();
    }

    [Fact]
    public async Task A_wrong_password_never_reaches_the_rules()
    {
        var (status, body) = await SignInAsync("alice@example.com", "wrong");

        status.Should().Be(HttpStatusCode.BadRequest);
        body["error"]!.GetValue<string>().Should().Be("invalid_grant");
    }

    [Fact]
    public async Task An_unknown_client_is_refused()
    {
        var (status, body) = await SignInAsync("alice@example.com", "correct horse battery staple", clientId: "someone-else");

        status.Should().Be(HttpStatusCode.Unauthorized, "RFC 6749 5.2 answers invalid_client with 401");
        body["error"]!.GetValue<string>().Should().Be("invalid_client");
    }
}
