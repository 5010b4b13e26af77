using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Management;

/// <summary>One server for the class: these tests only read, and each sends its own token.</summary>
public sealed class SharedHost : IDisposable
{
    public RulesHostFactory Factory { get; } = ManagementApi.NewHost();

    public void Dispose() => Factory.Dispose();
}

public sealed class ManagementAuthorizationTests(SharedHost host) : IClassFixture<SharedHost>
{
    private const string SomeUser = "auth0%7C63f2a9c1d4e5b6a7c8d9e0f1";

    /// <summary>Every Management API route, with the scope it needs.</summary>
    public static TheoryData<string, string, string> Routes => new()
    {
        { "GET", "/api/v2/users", "read:users" },
        { "GET", $"/api/v2/users/{SomeUser}", "read:users" },
        { "POST", "/api/v2/users", "create:users" },
        { "PATCH", $"/api/v2/users/{SomeUser}", "update:users" },
        { "GET", "/api/v2/rules", "read:rules" },
        { "GET", "/api/v2/rules/rul_0000000000000000", "read:rules" },
        { "POST", "/api/v2/rules", "create:rules" },
        { "PATCH", "/api/v2/rules/rul_0000000000000000", "update:rules" },
        { "DELETE", "/api/v2/rules/rul_0000000000000000", "delete:rules" },
        { "GET", "/api/v2/rules-configs", "read:rules_configs" },
        { "PUT", "/api/v2/rules-configs/SOME_KEY", "update:rules_configs" },
        { "DELETE", "/api/v2/rules-configs/SOME_KEY", "delete:rules_configs" },
        { "GET", "/api/v2/logs", "read:logs" },
        { "GET", "/api/v2/logs/log_x", "read:logs" },
        { "GET", "/api/v2/decision-logs", "read:logs" },
        { "GET", "/api/v2/decision-logs/dec_x", "read:logs" },
        { "GET", "/api/v2/keys/signing", "read:signing_keys" },
        { "POST", "/api/v2/keys/signing/rotate", "create:signing_keys" },
        { "POST", "/api/v2/keys/signing/rotate", "update:signing_keys" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_answers_401_without_a_token_before_reading_the_body(string method, string url, string scope)
    {
        _ = scope;
        using var client = host.Factory.CreateClient();
        var response = await client.SendRawAsync(new HttpMethod(method), url, "{ this is not json");

        var message = await response.Auth0ErrorAsync(401);
        message.Should().Be("Missing authentication");
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_answers_403_with_every_scope_but_its_own(string method, string url, string scope)
    {
        var otherScopes = string.Join(' ', ManagementApi.AllScopes.Split(' ').Where(s => s != scope));
        using var client = host.Factory.CreateManagementClient(otherScopes);
        var response = await client.SendRawAsync(new HttpMethod(method), url, "{}");

        var message = await response.Auth0ErrorAsync(403);
        message.Should().Contain(scope);
    }

    [Fact]
    public async Task A_token_with_the_scope_is_let_through()
    {
        using var client = host.Factory.CreateManagementClient("read:users");
        var response = await client.GetAsync("/api/v2/users");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused()
    {
        var token = ManagementApi.Token(host.Factory, ManagementApi.AllScopes, audience: ManagementApi.Issuer + "userinfo");
        (await GetUsersWith("Bearer " + token)).Should().StartWith("Bad audience");
    }

    [Fact]
    public async Task An_expired_token_is_refused_saying_it_expired_with_an_rfc_6750_challenge()
    {
        var token = ManagementApi.Token(host.Factory, ManagementApi.AllScopes, lifetime: TimeSpan.FromMinutes(-5));
        using var client = host.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/users");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        var response = await client.SendAsync(request);

        (await response.Auth0ErrorAsync(401)).Should().Be("Expired token received for JSON Web Token validation");
        response.Headers.WwwAuthenticate.ToString().Should()
            .Be("Bearer error=\"invalid_token\", error_description=\"Expired token received for JSON Web Token validation\"");
    }

    [Fact]
    public async Task An_expired_token_signed_by_another_key_is_invalid_not_expired()
    {
        using var rsa = RSA.Create(2048);
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ManagementApi.Issuer,
            Audience = ManagementApi.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = "attacker@clients", ["scope"] = ManagementApi.AllScopes },
            NotBefore = DateTime.UtcNow.AddHours(-2),
            IssuedAt = DateTime.UtcNow.AddHours(-2),
            Expires = DateTime.UtcNow.AddHours(-1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256),
        });
        (await GetUsersWith("Bearer " + token)).Should().Be("Invalid token");
    }

    [Theory]
    [InlineData(null, "Bearer")]
    [InlineData("Bearer not-a-jwt", "Bearer error=\"invalid_token\", error_description=\"Invalid token\"")]
    public async Task Every_401_carries_a_bearer_challenge(string? authorization, string challenge)
    {
        using var client = host.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/logs");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        var response = await client.SendAsync(request);
        await response.Auth0ErrorAsync(401);
        response.Headers.WwwAuthenticate.ToString().Should().Be(challenge);
    }

    [Fact]
    public async Task A_403_for_a_missing_scope_names_it_in_the_challenge()
    {
        using var client = host.Factory.CreateManagementClient("read:users");
        var response = await client.GetAsync("/api/v2/logs");
        await response.Auth0ErrorAsync(403);
        response.Headers.WwwAuthenticate.ToString().Should().Contain("error=\"insufficient_scope\"").And.Contain("scope=\"read:logs\"");
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_refused()
    {
        using var rsa = RSA.Create(2048);
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ManagementApi.Issuer,
            Audience = ManagementApi.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = "attacker@clients", ["scope"] = ManagementApi.AllScopes },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256),
        });
        (await GetUsersWith("Bearer " + token)).Should().Be("Invalid token");
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_refused()
    {
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(
            $$"""{"iss":"{{ManagementApi.Issuer}}","aud":"{{ManagementApi.Audience}}","sub":"attacker@clients","scope":"{{ManagementApi.AllScopes}}","iat":{{exp - 3600}},"exp":{{exp}}}""");
        (await GetUsersWith($"Bearer {header}.{payload}.")).Should().Be("Invalid token");
    }

    [Fact]
    public async Task A_token_whose_payload_was_altered_is_refused()
    {
        var parts = ManagementApi.Token(host.Factory, "read:logs").Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload["scope"] = "read:users";
        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";
        (await GetUsersWith("Bearer " + forged)).Should().Be("Invalid token");
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_refused()
    {
        var token = new JwtFactoryForIssuer(host.Factory).Create("https://evil.example.com/");
        (await GetUsersWith("Bearer " + token)).Should().Be("Invalid token");
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz", "Missing authentication")]
    [InlineData("Bearer ", "Missing authentication")]
    [InlineData("Bearer not-a-jwt", "Invalid token")]
    public async Task A_malformed_authorization_header_is_refused(string header, string message)
    {
        (await GetUsersWith(header)).Should().Be(message);
    }

    private async Task<string> GetUsersWith(string authorization)
    {
        using var client = host.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/users");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var response = await client.SendAsync(request);
        return await response.Auth0ErrorAsync(401);
    }

    /// <summary>Our own key and audience, but an issuer that is not this server.</summary>
    private sealed class JwtFactoryForIssuer(RulesHostFactory factory)
    {
        public string Create(string issuer) =>
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Rules.Host.OAuth.JwtFactory>(factory.Services)
                .Create(issuer, ManagementApi.Audience, new JsonObject { ["sub"] = "x@clients", ["scope"] = ManagementApi.AllScopes }, TimeSpan.FromHours(1));
    }
}
