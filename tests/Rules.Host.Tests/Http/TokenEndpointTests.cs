using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using static Rules.Host.Tests.Http.AuthorizationCodeTests;

namespace Rules.Host.Tests.Http;

/// <summary>POST /oauth/token: client_credentials for the Management API, and what any request body may get wrong.</summary>
public class TokenEndpointTests
{
    [Fact]
    public async Task Client_credentials_returns_a_management_api_token_with_every_granted_scope()
    {
        using var host = new HostHarness();
        var response = await host.TokenAsync(new { grant_type = "client_credentials", client_id = HostHarness.ToolingClientId, client_secret = HostHarness.ToolingSecret, audience = HostHarness.ManagementAudience });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body["token_type"]!.GetValue<string>().Should().Be("Bearer");
        body["expires_in"]!.GetValue<long>().Should().Be(86400);
        body["scope"]!.GetValue<string>().Split(' ').Should().Contain(["read:users", "impersonate:users", "read:logs", "delete:rules", "update:signing_keys", "read:roles", "create:role_members"]).And.HaveCount(21);

        var token = await ImpersonationFlowTests.ValidateAgainstJwksAsync(host, body["access_token"]!.GetValue<string>(), HostHarness.ManagementAudience);
        token.Subject.Should().Be(HostHarness.ToolingClientId + "@clients");
        token.GetPayloadValue<string>("azp").Should().Be(HostHarness.ToolingClientId);
        token.GetPayloadValue<string>("gty").Should().Be("client-credentials");
        token.GetPayloadValue<string>("scope").Should().Be(body["scope"]!.GetValue<string>());
        (token.ValidTo - token.IssuedAt).Should().Be(TimeSpan.FromHours(24));

        var entry = host.AuditEntries("seccft").Should().ContainSingle().Subject;
        entry.client_id.Should().Be(HostHarness.ToolingClientId);
        entry.client_name.Should().Be("Acme Support Tooling");
        entry.Details["audience"]!.GetValue<string>().Should().Be(HostHarness.ManagementAudience);
    }

    [Fact]
    public async Task A_requested_scope_narrows_the_token()
    {
        using var host = new HostHarness();
        var response = await host.TokenAsync(new { grant_type = "client_credentials", client_id = HostHarness.AdminConsoleId, client_secret = HostHarness.AdminConsoleSecret, audience = HostHarness.ManagementAudience, scope = "impersonate:users" });
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body["scope"]!.GetValue<string>().Should().Be("impersonate:users");
        new JsonWebToken(body["access_token"]!.GetValue<string>()).GetPayloadValue<string>("scope").Should().Be("impersonate:users");
    }

    [Fact]
    public async Task A_scope_outside_the_client_grant_is_403_access_denied()
    {
        using var host = new HostHarness();
        var response = await host.TokenAsync(new { grant_type = "client_credentials", client_id = HostHarness.AdminConsoleId, client_secret = HostHarness.AdminConsoleSecret, audience = HostHarness.ManagementAudience, scope = "read:users delete:users" });
        (await ShouldBeOAuthError(response, HttpStatusCode.Forbidden, "access_denied")).Should().Be("Client has not been granted scopes: delete:users");
        host.AuditEntries("feccft").Should().ContainSingle().Which.client_id.Should().Be(HostHarness.AdminConsoleId);
    }

    [Fact]
    public async Task Another_audience_is_403_and_a_missing_one_400()
    {
        using var host = new HostHarness();
        var other = await host.TokenAsync(new { grant_type = "client_credentials", client_id = HostHarness.ToolingClientId, client_secret = HostHarness.ToolingSecret, audience = "https://api.example.com/" });
        (await ShouldBeOAuthError(other, HttpStatusCode.Forbidden, "access_denied")).Should().Be("Service not enabled within domain: https://api.example.com/");
        var missing = await host.TokenAsync(new { grant_type = "client_credentials", client_id = HostHarness.ToolingClientId, client_secret = HostHarness.ToolingSecret });
        (await ShouldBeOAuthError(missing, HttpStatusCode.BadRequest, "invalid_request")).Should().Be("Missing required parameter: audience");
    }

    [Fact]
    public async Task A_client_without_a_client_grant_is_403()
    {
        using var host = new HostHarness();
        host.Execute("DELETE FROM client_grants WHERE client_id = @id", new { id = HostHarness.AdminConsoleId });
        var response = await host.TokenAsync(new { grant_type = "client_credentials", client_id = HostHarness.AdminConsoleId, client_secret = HostHarness.AdminConsoleSecret, audience = HostHarness.ManagementAudience });
        (await ShouldBeOAuthError(response, HttpStatusCode.Forbidden, "access_denied")).Should().Contain("client-grant");
    }

    [Fact]
    public async Task A_client_without_the_client_credentials_grant_type_is_unauthorized_client()
    {
        using var host = new HostHarness();
        var response = await host.TokenAsync(new { grant_type = "client_credentials", client_id = HostHarness.PortalId, client_secret = HostHarness.PortalSecret, audience = HostHarness.ManagementAudience });
        await ShouldBeOAuthError(response, HttpStatusCode.BadRequest, "unauthorized_client");
    }

    [Fact]
    public async Task A_wrong_secret_is_401_invalid_client_and_audited()
    {
        using var host = new HostHarness();
        var response = await host.TokenAsync(new { grant_type = "client_credentials", client_id = HostHarness.ToolingClientId, client_secret = "guess", audience = HostHarness.ManagementAudience });
        await ShouldBeOAuthError(response, HttpStatusCode.Unauthorized, "invalid_client");
        var entry = host.AuditEntries("feccft").Should().ContainSingle().Subject;
        entry.client_id.Should().Be(HostHarness.ToolingClientId);
        entry.details.Should().NotContain("guess");
    }

    [Fact]
    public async Task Form_body_and_http_basic_work_for_client_credentials()
    {
        using var host = new HostHarness();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["audience"] = HostHarness.ManagementAudience, ["scope"] = "read:users read:logs" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{HostHarness.ToolingClientId}:{HostHarness.ToolingSecret}")));
        var response = await host.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["scope"]!.GetValue<string>().Should().Be("read:users read:logs");
    }

    [Theory]
    [InlineData(null, "Missing required parameter: grant_type", "invalid_request")]
    [InlineData("password", "Unsupported grant type: password; this server accepts client_credentials and authorization_code", "unsupported_grant_type")]
    [InlineData("refresh_token", "Unsupported grant type: refresh_token; this server accepts client_credentials and authorization_code", "unsupported_grant_type")]
    public async Task Missing_or_unsupported_grant_types_are_named(string? grantType, string message, string error)
    {
        using var host = new HostHarness();
        var response = await host.TokenAsync(new { grant_type = grantType, client_id = HostHarness.ToolingClientId, client_secret = HostHarness.ToolingSecret });
        (await ShouldBeOAuthError(response, HttpStatusCode.BadRequest, error)).Should().Be(message);
    }

    [Theory]
    [InlineData("application/json", "{\"grant_type\": \"client_credentials\",", "The request body is not valid JSON at line 1")]
    [InlineData("application/json", "\"client_credentials\"", "The request body must be a JSON object")]
    [InlineData("application/json", "{\"grant_type\": 42}", "\"grant_type\" must be a string")]
    [InlineData("application/json", "{\"grant_type\": \"client_credentials\", \"client_id\": [\"a\"]}", "\"client_id\" must be a string")]
    [InlineData("text/plain", "grant_type=client_credentials", "Content-Type must be application/json or application/x-www-form-urlencoded")]
    [InlineData("application/xml", "<grant_type/>", "Content-Type must be application/json or application/x-www-form-urlencoded")]
    [InlineData("application/x-www-form-urlencoded", "grant_type=client_credentials&grant_type=authorization_code", "The parameter \"grant_type\" is repeated")]
    public async Task Unreadable_bodies_get_400_with_a_clear_message(string contentType, string body, string message)
    {
        using var host = new HostHarness();
        var response = await host.Client.PostAsync("/oauth/token", new StringContent(body, Encoding.UTF8, contentType));
        (await ShouldBeOAuthError(response, HttpStatusCode.BadRequest, "invalid_request")).Should().StartWith(message);
    }

    [Fact]
    public async Task A_json_property_given_twice_is_refused_not_resolved()
    {
        using var host = new HostHarness();
        var response = await host.Client.PostAsync("/oauth/token", new StringContent(
            "{\"grant_type\": \"client_credentials\", \"client_id\": \"a\", \"client_id\": \"b\"}", Encoding.UTF8, "application/json"));
        (await ShouldBeOAuthError(response, HttpStatusCode.BadRequest, "invalid_request")).Should().Contain("a property appears twice");
    }

    [Fact]
    public async Task A_body_without_content_type_gets_400()
    {
        using var host = new HostHarness();
        var content = new ByteArrayContent("{}"u8.ToArray());
        var response = await host.Client.PostAsync("/oauth/token", content);
        await ShouldBeOAuthError(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task An_oversized_body_gets_413_before_it_is_read()
    {
        using var host = new HostHarness();
        var response = await host.TokenFormAsync(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["padding"] = new string('x', 300 * 1024) });
        (await ShouldBeOAuthError(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request")).Should().Be("The request body is larger than the 262,144-byte limit.");
    }

    [Fact]
    public async Task The_body_limit_is_configurable()
    {
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:MaxRequestBodyBytes"] = "64" });
        var response = await host.TokenAsync(new { grant_type = "client_credentials", client_id = HostHarness.ToolingClientId, client_secret = HostHarness.ToolingSecret, audience = HostHarness.ManagementAudience });
        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }
}
