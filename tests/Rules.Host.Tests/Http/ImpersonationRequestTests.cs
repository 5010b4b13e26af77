using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Rules.Host.OAuth;

namespace Rules.Host.Tests.Http;

/// <summary>POST /users/{user_id}/impersonate: the link, and each reason to refuse one.</summary>
public class ImpersonationRequestTests
{
    [Fact]
    public async Task The_link_is_returned_as_text_and_only_its_hash_is_stored()
    {
        using var host = new HostHarness();
        var response = await host.ImpersonateAsync(HostHarness.Jordan, HostHarness.ImpersonationBody());
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        var link = await response.Content.ReadAsStringAsync();
        var secret = link[(HostHarness.Issuer + "impersonation/").Length..];
        Convert.FromBase64String(secret.Replace('-', '+').Replace('_', '/') + "=").Should().HaveCount(32);

        host.Scalar<long>("SELECT COUNT(*) FROM impersonation_links WHERE token_hash = @hash", new { hash = Secrets.Hash(secret) }).Should().Be(1);
        host.Scalar<long>("SELECT COUNT(*) FROM impersonation_links WHERE token_hash = @secret OR request LIKE @like", new { secret, like = $"%{secret}%" }).Should().Be(0);
        host.Scalar<string>("SELECT expires_at FROM impersonation_links").Should().Be("2026-03-10T15:05:00.0000000Z");
        File.ReadAllBytes(Path.Combine(host.DataDirectory, "rules.db")).AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)).Should().Be(-1);
    }

    [Fact]
    public async Task The_request_is_audited_with_who_asked_for_whom_from_where()
    {
        using var host = new HostHarness();
        await host.CreateLinkAsync();
        var entry = host.AuditEntries("impersonation_requested").Should().ContainSingle().Subject;
        entry.user_id.Should().Be(HostHarness.Jordan);
        entry.impersonator_id.Should().Be(HostHarness.Priya);
        entry.impersonator_email.Should().Be(HostHarness.PriyaEmail);
        entry.client_id.Should().Be(HostHarness.PortalId);
        entry.ip.Should().Be(HostHarness.ClientIp);
        entry.user_agent.Should().Be(HostHarness.UserAgent);
        entry.Details["requested_by"]!.GetValue<string>().Should().Be(HostHarness.ToolingClientId + "@clients");
        entry.Details["callback_url"]!.GetValue<string>().Should().Be(HostHarness.PortalCallback);
        entry.Details["expires_at"]!.GetValue<string>().Should().Be("2026-03-10T15:05:00.0000000Z");
    }

    [Fact]
    public async Task A_form_encoded_request_with_bracketed_additional_parameters_works()
    {
        using var host = new HostHarness();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/users/{Uri.EscapeDataString(HostHarness.Jordan)}/impersonate")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["protocol"] = "oauth2",
                ["impersonator_id"] = HostHarness.Priya,
                ["client_id"] = HostHarness.PortalId,
                ["additionalParameters[response_type]"] = "code",
                ["additionalParameters[callback_url]"] = HostHarness.PortalCallback,
                ["additionalParameters[state]"] = "form state",
                ["additionalParameters[scope]"] = "openid email",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.ManagementTokenAsync());
        var response = await host.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var callback = HostHarness.CallbackParameters(await host.FollowAsync(await response.Content.ReadAsStringAsync()));
        callback["state"].Should().Be("form state");
        callback.Should().ContainKey("code");
    }

    [Fact]
    public async Task Without_a_management_token_the_endpoint_answers_401_and_with_the_wrong_scope_403()
    {
        using var host = new HostHarness();
        (await host.ImpersonateAsync(HostHarness.Jordan, HostHarness.ImpersonationBody(), token: "not-a-jwt")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var noHeader = await host.Client.PostAsJsonAsync($"/users/{HostHarness.Jordan}/impersonate", HostHarness.ImpersonationBody());
        noHeader.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await noHeader.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>().Should().Be("Unauthorized");

        var readOnly = await host.ManagementTokenAsync("read:users");
        var forbidden = await host.ImpersonateAsync(HostHarness.Jordan, HostHarness.ImpersonationBody(), readOnly);
        forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await forbidden.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>().Should().Contain("impersonate:users");
        host.Scalar<long>("SELECT COUNT(*) FROM impersonation_links").Should().Be(0);
    }

    [Fact]
    public async Task With_impersonation_disabled_the_endpoint_answers_403_with_how_to_enable_it()
    {
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:ImpersonationEnabled"] = "false" });
        var response = await host.ImpersonateAsync(HostHarness.Jordan, HostHarness.ImpersonationBody());
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body["statusCode"]!.GetValue<int>().Should().Be(403);
        body["error"]!.GetValue<string>().Should().Be("Forbidden");
        body["message"]!.GetValue<string>().Should().Be(
            "Impersonation is disabled for this tenant; enable it with Rules:ImpersonationEnabled=true or the tenant seed's flags.enable_impersonation");
        body["errorCode"]!.GetValue<string>().Should().Be("impersonation_disabled");
    }

    public static TheoryData<string, string, JsonObject, int, string, string> Refusals() => new()
    {
        { "unknown user", "auth0|nobody", HostHarness.ImpersonationBody(), 404, "inexistent_user", "The user does not exist." },
        { "unknown impersonator", HostHarness.Jordan, HostHarness.ImpersonationBody(impersonatorId: "auth0|nobody"), 400, "inexistent_impersonator", "impersonator_id does not name a user" },
        { "impersonator not allowed", HostHarness.Jordan, HostHarness.ImpersonationBody(impersonatorId: HostHarness.Noor), 403, "impersonator_not_allowed", $"impersonator_id {HostHarness.Noor} is not allowed to impersonate users" },
        { "self", HostHarness.Priya, HostHarness.ImpersonationBody(), 400, "invalid_impersonator", "cannot impersonate themselves" },
        { "unknown client", HostHarness.Jordan, HostHarness.ImpersonationBody(clientId: "no-such-client"), 400, "inexistent_client", "client_id does not name an application" },
        { "client without callbacks", HostHarness.Jordan, HostHarness.ImpersonationBody(clientId: HostHarness.ToolingClientId), 400, "invalid_callback_url", "has no Allowed Callback URLs" },
        { "foreign callback", HostHarness.Jordan, HostHarness.ImpersonationBody(callbackUrl: "https://evil.example/callback"), 400, "invalid_callback_url", "callback_url is not one of the Allowed Callback URLs" },
        { "trailing slash", HostHarness.Jordan, HostHarness.ImpersonationBody(callbackUrl: HostHarness.PortalCallback + "/"), 400, "invalid_callback_url", "callback_url is not one of" },
        { "different case", HostHarness.Jordan, HostHarness.ImpersonationBody(callbackUrl: "http://LOCALHOST:3000/callback"), 400, "invalid_callback_url", "callback_url is not one of" },
        { "extra query", HostHarness.Jordan, HostHarness.ImpersonationBody(callbackUrl: HostHarness.PortalCallback + "?next=/x"), 400, "invalid_callback_url", "callback_url is not one of" },
        { "prefix only", HostHarness.Jordan, HostHarness.ImpersonationBody(callbackUrl: "http://localhost:3000/callback2"), 400, "invalid_callback_url", "callback_url is not one of" },
        { "another client's callback", HostHarness.Jordan, HostHarness.ImpersonationBody(callbackUrl: HostHarness.BillingCallback), 400, "invalid_callback_url", "callback_url is not one of" },
        { "bad response_type", HostHarness.Jordan, HostHarness.ImpersonationBody(responseType: "id_token"), 400, "unsupported_response_type", "Unsupported response_type \"id_token\"" },
        { "bad response_mode", HostHarness.Jordan, HostHarness.ImpersonationBody(responseMode: "web_message"), 400, "unsupported_response_mode", "Unsupported response_mode \"web_message\"" },
        { "tokens in the query", HostHarness.Jordan, HostHarness.ImpersonationBody(responseType: "token", responseMode: "query"), 400, "unsupported_response_mode", "cannot carry tokens" },
        { "implicit not granted", HostHarness.Jordan, HostHarness.ImpersonationBody(clientId: HostHarness.BillingId, callbackUrl: HostHarness.BillingCallback, responseType: "token"), 400, "unauthorized_client", "needs the 'implicit' grant" },
        { "scope without openid", HostHarness.Jordan, HostHarness.ImpersonationBody(scope: "email profile"), 400, "invalid_scope", "scope must include \"openid\"" },
        { "blocked user", "blocked", HostHarness.ImpersonationBody(), 400, "user_blocked", "The user is blocked" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Each_refusal_has_its_status_and_message_and_is_audited(string reason, string userId, JsonObject body, int status, string errorCode, string message)
    {
        using var host = new HostHarness();
        if (userId == "blocked")
        {
            userId = HostHarness.Noor;
            host.Execute("UPDATE users SET blocked = 1 WHERE user_id = @userId", new { userId });
        }

        var response = await host.ImpersonateAsync(userId, body);
        response.StatusCode.Should().Be((HttpStatusCode)status, reason);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        error["statusCode"]!.GetValue<int>().Should().Be(status);
        error["errorCode"]!.GetValue<string>().Should().Be(errorCode);
        error["message"]!.GetValue<string>().Should().Contain(message);

        host.Scalar<long>("SELECT COUNT(*) FROM impersonation_links").Should().Be(0);
        var refused = host.AuditEntries("impersonation_refused").Should().ContainSingle().Subject;
        refused.user_id.Should().Be(userId);
        refused.Details["status_code"]!.GetValue<int>().Should().Be(status);
        refused.Details["error_code"]!.GetValue<string>().Should().Be(errorCode);
        refused.description.Should().Contain(message);
        refused.ip.Should().Be(HostHarness.ClientIp);
    }

    [Fact]
    public async Task A_client_that_does_not_have_the_users_connection_enabled_is_refused()
    {
        using var host = new HostHarness();
        host.Execute("DELETE FROM connection_clients WHERE client_id = @id", new { id = HostHarness.PortalId });
        var response = await host.ImpersonateAsync(HostHarness.Jordan, HostHarness.ImpersonationBody());
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        error["errorCode"]!.GetValue<string>().Should().Be("connection_not_enabled");
        error["message"]!.GetValue<string>().Should().Be("The user's connection \"Username-Password-Authentication\" is not enabled for \"Acme Customer Portal\"");
    }

    [Theory]
    [InlineData("protocol", "Missing required field: protocol")]
    [InlineData("impersonator_id", "Missing required field: impersonator_id")]
    [InlineData("client_id", "Missing required field: client_id")]
    [InlineData("additionalParameters", "Missing required field: additionalParameters.callback_url")]
    public async Task Missing_fields_are_named(string field, string message)
    {
        using var host = new HostHarness();
        var body = HostHarness.ImpersonationBody();
        body.Remove(field);
        var response = await host.ImpersonateAsync(HostHarness.Jordan, body);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>().Should().Be(message);
    }

    [Theory]
    [InlineData("{\"protocol\":\"samlp\",\"impersonator_id\":\"x\",\"client_id\":\"y\",\"additionalParameters\":{\"callback_url\":\"z\"}}", "Unsupported protocol \"samlp\"")]
    [InlineData("{\"protocol\":\"oauth2\",\"impersonator_id\":42,\"client_id\":\"y\"}", "\"impersonator_id\" must be a string")]
    [InlineData("{\"protocol\":\"oauth2\",\"impersonator_id\":\"x\",\"client_id\":\"y\",\"additionalParameters\":\"callback\"}", "\"additionalParameters\" must be an object")]
    [InlineData("{\"protocol\":\"oauth2\",", "The request body is not valid JSON")]
    [InlineData("[1,2]", "The request body must be a JSON object")]
    [InlineData("", "The request body is empty")]
    public async Task Malformed_bodies_get_400_with_a_clear_message(string json, string message)
    {
        using var host = new HostHarness();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/users/{HostHarness.Jordan}/impersonate") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.ManagementTokenAsync());
        var response = await host.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        error["message"]!.GetValue<string>().Should().Contain(message);
        error["error"]!.GetValue<string>().Should().Be("Bad Request");
    }

    [Fact]
    public async Task A_wrong_content_type_gets_400()
    {
        using var host = new HostHarness();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/users/{HostHarness.Jordan}/impersonate")
        {
            Content = new StringContent(HostHarness.ImpersonationBody().ToJsonString(), Encoding.UTF8, "text/plain"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.ManagementTokenAsync());
        var response = await host.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>()
            .Should().Be("Content-Type must be application/json or application/x-www-form-urlencoded");
    }

    [Fact]
    public async Task An_oversized_body_gets_the_same_413_as_the_management_api()
    {
        using var host = new HostHarness();
        var body = HostHarness.ImpersonationBody();
        body["padding"] = new string('x', 300 * 1024);
        var response = await host.ImpersonateAsync(HostHarness.Jordan, body);
        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        var impersonate = (await response.Content.ReadFromJsonAsync<JsonObject>())!.ToJsonString();

        using var users = new HttpRequestMessage(HttpMethod.Post, "/api/v2/users") { Content = JsonContent.Create(body) };
        users.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.ManagementTokenAsync());
        var management = await (await host.Client.SendAsync(users)).Content.ReadAsStringAsync();

        const string expected = """{"statusCode":413,"error":"Request Entity Too Large","message":"The request body is larger than the 262,144-byte limit.","errorCode":"payload_too_large"}""";
        impersonate.Should().Be(expected);
        JsonNode.Parse(management)!.ToJsonString().Should().Be(expected);
    }
}
