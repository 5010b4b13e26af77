using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Rules.Host.Tests.Http;

/// <summary>/.well-known/openid-configuration and /.well-known/jwks.json. Read-only, so one server serves the class.</summary>
public class DiscoveryTests(DiscoveryTests.Server server) : IClassFixture<DiscoveryTests.Server>
{
    public sealed class Server : IDisposable
    {
        public HostHarness Host { get; } = new();

        public void Dispose() => Host.Dispose();
    }

    [Fact]
    public async Task The_openid_configuration_names_this_servers_endpoints()
    {
        var config = (await server.Host.Client.GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration"))!;
        config["issuer"]!.GetValue<string>().Should().Be(HostHarness.Issuer);
        config["authorization_endpoint"]!.GetValue<string>().Should().Be(HostHarness.Issuer + "authorize");
        config["token_endpoint"]!.GetValue<string>().Should().Be(HostHarness.Issuer + "oauth/token");
        config["userinfo_endpoint"]!.GetValue<string>().Should().Be(HostHarness.Issuer + "userinfo");
        config["jwks_uri"]!.GetValue<string>().Should().Be(HostHarness.Issuer + ".well-known/jwks.json");
        config["end_session_endpoint"]!.GetValue<string>().Should().Be(HostHarness.Issuer + "oidc/logout");
        Strings(config, "response_types_supported").Should().Equal("code", "token", "id_token", "id_token token");
        Strings(config, "code_challenge_methods_supported").Should().Equal("S256");
        Strings(config, "response_modes_supported").Should().Equal("query", "fragment", "form_post");
        Strings(config, "subject_types_supported").Should().Equal("public");
        Strings(config, "id_token_signing_alg_values_supported").Should().Equal("RS256");
        Strings(config, "token_endpoint_auth_methods_supported").Should().Equal("client_secret_post", "client_secret_basic", "none");
        Strings(config, "grant_types_supported").Should().Contain(["authorization_code", "client_credentials"]);
        Strings(config, "scopes_supported").Should().Contain(["openid", "profile", "email"]);
        Strings(config, "claims_supported").Should().Contain(["sub", "email", "name", "impersonated", "impersonator", "act"]);
    }

    [Fact]
    public async Task The_jwks_publishes_the_public_signing_key_only()
    {
        var jwks = (await server.Host.Client.GetFromJsonAsync<JsonObject>("/.well-known/jwks.json"))!;
        var key = jwks["keys"]!.AsArray().Should().ContainSingle().Subject!.AsObject();
        key["kty"]!.GetValue<string>().Should().Be("RSA");
        key["alg"]!.GetValue<string>().Should().Be("RS256");
        key["use"]!.GetValue<string>().Should().Be("sig");
        key["kid"]!.GetValue<string>().Should().NotBeEmpty();
        key.Select(p => p.Key).Should().BeEquivalentTo("kty", "use", "alg", "kid", "n", "e");
    }

    [Fact]
    public async Task Tokens_name_the_published_key()
    {
        var kid = (await server.Host.Client.GetFromJsonAsync<JsonObject>("/.well-known/jwks.json"))!["keys"]![0]!["kid"]!.GetValue<string>();
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(await server.Host.ManagementTokenAsync());
        token.Kid.Should().Be(kid);
        token.Alg.Should().Be("RS256");
    }

    private static IEnumerable<string> Strings(JsonObject obj, string name) => obj[name]!.AsArray().Select(n => n!.GetValue<string>());
}
