using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Keys;

/// <summary>
/// /api/v2/keys/signing and what a rotation does to tokens and the JWKS. Each test rotates, so each has its own server.
/// </summary>
public sealed class SigningKeysApiTests : IDisposable
{
    private const string KeyScopes = "read:signing_keys create:signing_keys update:signing_keys";

    private readonly HostHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Rotation_signs_new_tokens_with_the_new_key_and_keeps_the_old_one_published()
    {
        var before = await ManagementTokenAsync();
        var oldKid = new JsonWebToken(before).Kid;

        var rotated = await SendAsync(HttpMethod.Post, "/api/v2/keys/signing/rotate", before);
        rotated.StatusCode.Should().Be(HttpStatusCode.Created, await rotated.Content.ReadAsStringAsync());
        var newKid = (await rotated.Content.ReadFromJsonAsync<JsonObject>())!["kid"]!.GetValue<string>();
        newKid.Should().NotBe(oldKid);

        var after = await ManagementTokenAsync();
        new JsonWebToken(after).Kid.Should().Be(newKid);
        (await PublishedKidsAsync()).Should().Equal(newKid, oldKid);

        // A token signed before the rotation keeps working until it expires.
        (await SendAsync(HttpMethod.Get, "/api/v2/keys/signing", before)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await SendAsync(HttpMethod.Get, "/api/v2/keys/signing", after)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_old_key_leaves_the_jwks_once_every_token_it_signed_has_expired()
    {
        var oldKid = new JsonWebToken(await ManagementTokenAsync()).Kid;
        var rotated = await SendAsync(HttpMethod.Post, "/api/v2/keys/signing/rotate", await ManagementTokenAsync());
        var newKid = (await rotated.Content.ReadFromJsonAsync<JsonObject>())!["kid"]!.GetValue<string>();

        // Both token lifetimes default to 24 hours.
        _harness.Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1));
        (await PublishedKidsAsync()).Should().Equal(newKid, oldKid);

        _harness.Clock.Advance(TimeSpan.FromMinutes(2));
        (await PublishedKidsAsync()).Should().Equal(newKid);
    }

    [Fact]
    public async Task The_list_names_the_keys_and_never_shows_key_material()
    {
        var token = await ManagementTokenAsync();
        await SendAsync(HttpMethod.Post, "/api/v2/keys/signing/rotate", token);

        var response = await SendAsync(HttpMethod.Get, "/api/v2/keys/signing", token);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);

        text.Should().NotContain("BEGIN").And.NotContain("PRIVATE");
        text.Should().NotContain(MiddleOf(_harness.SigningKeyPem()));
        var keys = JsonNode.Parse(text)!.AsArray().Select(k => k!.AsObject()).ToList();
        keys.Should().HaveCount(2);
        keys.Should().ContainSingle(k => k["current"]!.GetValue<bool>() && k["retired_at"] == null);
        keys.Should().ContainSingle(k => !k["current"]!.GetValue<bool>() && k["retired_at"] != null);
        foreach (var key in keys)
        {
            key.Select(p => p.Key).Should().BeEquivalentTo("kid", "current", "created_at", "retired_at");
            key.Select(p => p.Key).Should().NotContain(["d", "p", "q", "dp", "dq", "qi", "private_key"]);
        }
    }

    [Fact]
    public async Task Rotation_needs_both_of_auth0s_scopes()
    {
        var readOnly = await ManagementTokenAsync("read:signing_keys create:signing_keys");
        var response = await SendAsync(HttpMethod.Post, "/api/v2/keys/signing/rotate", readOnly);
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().Contain("update:signing_keys");

        var noKeys = await ManagementTokenAsync("read:users");
        (await SendAsync(HttpMethod.Get, "/api/v2/keys/signing", noKeys)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        _harness.Scalar<long>("SELECT COUNT(*) FROM signing_keys").Should().Be(1, "nothing was rotated");
    }

    [Fact]
    public async Task A_login_after_rotation_gets_tokens_that_verify_against_the_jwks()
    {
        await SendAsync(HttpMethod.Post, "/api/v2/keys/signing/rotate", await ManagementTokenAsync());
        var tokens = await _harness.TokensAsync();
        var idToken = tokens["id_token"]!.GetValue<string>();

        var jwks = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(await _harness.Client.GetStringAsync("/.well-known/jwks.json"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            ValidIssuer = HostHarness.Issuer,
            ValidAudience = HostHarness.PortalId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidateLifetime = false,
        });
        result.IsValid.Should().BeTrue(result.Exception?.Message);
        new JsonWebToken(idToken).Kid.Should().Be(jwks.Keys[0].Kid);
    }

    private Task<string> ManagementTokenAsync(string scope = KeyScopes) => _harness.ManagementTokenAsync(scope);

    private async Task<string[]> PublishedKidsAsync()
    {
        var jwks = (await _harness.Client.GetFromJsonAsync<JsonObject>("/.well-known/jwks.json"))!;
        return jwks["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>()).ToArray();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string token)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _harness.Client.SendAsync(request);
    }

    private static string MiddleOf(string pem)
    {
        var body = string.Concat(pem.Split('\n').Where(line => !line.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));
        return body.Substring(body.Length / 2, 64);
    }
}
