using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Rules.Host.Tests.Http;

/// <summary>The guide's flow end to end: token, impersonate, follow the link, exchange the code, use the tokens.</summary>
public class ImpersonationFlowTests
{
    [Fact]
    public async Task The_whole_flow_signs_the_support_agent_in_as_the_customer()
    {
        using var host = new HostHarness();
        var link = await host.CreateLinkAsync();
        link.Should().StartWith(HostHarness.Issuer + "impersonation/");

        var callback = HostHarness.CallbackParameters(await host.FollowAsync(link));
        callback.Keys.Should().BeEquivalentTo("code", "state");
        callback["state"].Should().Be("st-123");

        var response = await host.ExchangeAsync(callback["code"]);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var tokens = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        tokens.Select(p => p.Key).Should().BeEquivalentTo("access_token", "id_token", "token_type", "expires_in");
        tokens["token_type"]!.GetValue<string>().Should().Be("Bearer");
        tokens["expires_in"]!.GetValue<long>().Should().Be(86400);

        var idToken = await ValidateAgainstJwksAsync(host, tokens["id_token"]!.GetValue<string>(), HostHarness.PortalId);
        idToken.Subject.Should().Be(HostHarness.Jordan);
        idToken.GetPayloadValue<bool>("impersonated").Should().BeTrue();
        Json(idToken, "impersonator").Should().BeEquivalentTo(new JsonObject { ["user_id"] = HostHarness.Priya, ["email"] = HostHarness.PriyaEmail }.ToJsonString());
        Json(idToken, "act").Should().Be(new JsonObject { ["sub"] = HostHarness.Priya }.ToJsonString());
        idToken.GetPayloadValue<string>("email").Should().Be(HostHarness.JordanEmail);
        idToken.GetPayloadValue<string>("name").Should().Be("Jordan Lee");
        // The sample rules' namespaced claims.
        idToken.GetPayloadValue<bool>("https://rules.example.com/impersonated").Should().BeTrue();
        idToken.GetPayloadValue<string>("https://rules.example.com/impersonator").Should().Be(HostHarness.PriyaEmail);
        Json(idToken, "https://rules.example.com/roles").Should().Be("[\"customer\"]");
        idToken.IssuedAt.Should().Be(host.Clock.GetUtcNow().UtcDateTime.AddTicks(-(host.Clock.GetUtcNow().UtcTicks % TimeSpan.TicksPerSecond)));
        idToken.GetPayloadValue<long>("auth_time").Should().Be(host.Clock.GetUtcNow().ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Scope_openid_alone_gives_only_the_subject_and_the_impersonation_claims()
    {
        using var host = new HostHarness();
        var tokens = await host.TokensAsync(body: HostHarness.ImpersonationBody(scope: "openid"));
        var idToken = await ValidateAgainstJwksAsync(host, tokens["id_token"]!.GetValue<string>(), HostHarness.PortalId);
        idToken.Subject.Should().Be(HostHarness.Jordan);
        idToken.TryGetPayloadValue<string>("email", out _).Should().BeFalse();
        idToken.TryGetPayloadValue<string>("name", out _).Should().BeFalse();
        idToken.TryGetPayloadValue<string>("nickname", out _).Should().BeFalse();
        idToken.GetPayloadValue<bool>("impersonated").Should().BeTrue();
        Json(idToken, "act").Should().Contain(HostHarness.Priya);
    }

    [Fact]
    public async Task Scope_email_adds_email_but_not_the_profile()
    {
        using var host = new HostHarness();
        var tokens = await host.TokensAsync(body: HostHarness.ImpersonationBody(scope: "openid email"));
        var idToken = await ValidateAgainstJwksAsync(host, tokens["id_token"]!.GetValue<string>(), HostHarness.PortalId);
        idToken.GetPayloadValue<string>("email").Should().Be(HostHarness.JordanEmail);
        idToken.GetPayloadValue<bool>("email_verified").Should().BeTrue();
        idToken.TryGetPayloadValue<string>("name", out _).Should().BeFalse();
    }

    [Fact]
    public async Task The_nonce_given_with_the_link_is_in_the_id_token()
    {
        using var host = new HostHarness();
        var tokens = await host.TokensAsync(body: HostHarness.ImpersonationBody(nonce: "n-0S6_WzA2Mj"));
        var idToken = await ValidateAgainstJwksAsync(host, tokens["id_token"]!.GetValue<string>(), HostHarness.PortalId);
        idToken.GetPayloadValue<string>("nonce").Should().Be("n-0S6_WzA2Mj");
    }

    [Fact]
    public async Task Response_type_token_puts_both_tokens_in_the_fragment()
    {
        using var host = new HostHarness();
        var link = await host.CreateLinkAsync(body: HostHarness.ImpersonationBody(responseType: "token"));
        var redirect = await host.FollowAsync(link);
        redirect.Headers.Location!.ToString().Should().StartWith(HostHarness.PortalCallback + "#");
        var fragment = HostHarness.CallbackParameters(redirect);
        fragment.Keys.Should().BeEquivalentTo("access_token", "id_token", "token_type", "expires_in", "state");
        fragment["token_type"].Should().Be("Bearer");
        fragment["expires_in"].Should().Be("86400");
        fragment["state"].Should().Be("st-123");
        var idToken = await ValidateAgainstJwksAsync(host, fragment["id_token"], HostHarness.PortalId);
        idToken.Subject.Should().Be(HostHarness.Jordan);
        await ValidateAgainstJwksAsync(host, fragment["access_token"], HostHarness.Issuer + "userinfo");
        host.AuditEntries("s").Should().ContainSingle().Which.Details["response_type"]!.GetValue<string>().Should().Be("token");
    }

    [Fact]
    public async Task Form_post_answers_with_a_self_submitting_form_to_the_callback()
    {
        using var host = new HostHarness();
        var link = await host.CreateLinkAsync(body: HostHarness.ImpersonationBody(responseMode: "form_post", state: "a\"><script>alert(1)</script>"));
        var response = await host.FollowAsync(link);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain($"<form method=\"post\" action=\"{HostHarness.PortalCallback}\">");
        html.Should().Contain("<input type=\"hidden\" name=\"code\" value=\"");
        html.Should().Contain("<noscript>").And.Contain("<button type=\"submit\">");
        html.Should().Contain("document.forms[0].submit()");
        html.Should().NotContain("<script>alert(1)</script>", "every value is HTML-encoded");
        html.Should().Contain("name=\"state\" value=\"a&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"");
        html.Should().NotContain("src=").And.NotContain("href=");
        response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("form-action http://localhost:3000");
        response.Headers.Location.Should().BeNull();

        var code = System.Text.RegularExpressions.Regex.Match(html, "name=\"code\" value=\"([^\"]+)\"").Groups[1].Value;
        (await host.ExchangeAsync(code)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Form_post_with_response_type_token_posts_the_tokens()
    {
        using var host = new HostHarness();
        var link = await host.CreateLinkAsync(body: HostHarness.ImpersonationBody(responseType: "token", responseMode: "form_post"));
        var html = await (await host.FollowAsync(link)).Content.ReadAsStringAsync();
        foreach (var name in new[] { "access_token", "id_token", "token_type", "expires_in", "state" })
        {
            html.Should().Contain($"name=\"{name}\"");
        }
        html.Should().NotContain("name=\"code\"");
    }

    [Fact]
    public async Task A_rule_denial_reaches_the_callback_as_error_and_error_description()
    {
        using var host = new HostHarness();
        // Tom may impersonate as far as the tenant is concerned, but he is not in the rules' SUPPORT_AGENTS.
        var link = await host.CreateLinkAsync(body: HostHarness.ImpersonationBody(impersonatorId: HostHarness.Tom));
        var callback = HostHarness.CallbackParameters(await host.FollowAsync(link));
        callback.Should().NotContainKey("code");
        callback["error"].Should().Be("unauthorized");
        callback["error_description"].Should().Be("You are not allowed to impersonate users.");
        callback["state"].Should().Be("st-123");

        var failure = host.AuditEntries("f").Should().ContainSingle().Subject;
        failure.user_id.Should().Be(HostHarness.Jordan);
        failure.impersonator_id.Should().Be(HostHarness.Tom);
        failure.Details["decision"]!.GetValue<string>().Should().Be("deny");
        failure.Details["rule"]!.GetValue<string>().Should().Be("Only support agents may impersonate");
        failure.Details["kind"]!.GetValue<string>().Should().Be("rule_denied");
        failure.Details["error"]!.GetValue<string>().Should().Be("unauthorized");
        host.AuditEntries("s").Should().BeEmpty();
        host.Scalar<long>("SELECT COUNT(*) FROM authorization_codes").Should().Be(0);
    }

    [Theory]
    [InlineData(HostHarness.Sam, HostHarness.PortalId, HostHarness.PortalCallback, "access_denied", "Administrator accounts cannot be impersonated.")]
    [InlineData(HostHarness.Jordan, HostHarness.AdminConsoleId, HostHarness.AdminConsoleCallback, "unauthorized", "Impersonation is not enabled for Acme Admin Console.")]
    [InlineData(HostHarness.Alex, HostHarness.PortalId, HostHarness.PortalCallback, "unauthorized", "Please verify your email before logging in.")]
    public async Task The_sample_rules_deny_what_they_are_written_to_deny(string userId, string clientId, string callbackUrl, string error, string description)
    {
        using var host = new HostHarness();
        var link = await host.CreateLinkAsync(userId, HostHarness.ImpersonationBody(clientId: clientId, callbackUrl: callbackUrl));
        var callback = HostHarness.CallbackParameters(await host.FollowAsync(link), callbackUrl);
        callback["error"].Should().Be(error);
        callback["error_description"].Should().Be(description);
    }

    [Fact]
    public async Task An_application_that_opted_in_through_its_metadata_can_be_impersonated_into()
    {
        using var host = new HostHarness();
        var link = await host.CreateLinkAsync(body: HostHarness.ImpersonationBody(clientId: HostHarness.BillingId, callbackUrl: HostHarness.BillingCallback));
        var code = HostHarness.CallbackParameters(await host.FollowAsync(link), HostHarness.BillingCallback)["code"];
        (await host.ExchangeAsync(code, HostHarness.BillingId, HostHarness.BillingSecret, HostHarness.BillingCallback)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Outside_support_hours_the_business_hours_rule_denies_at_the_callback()
    {
        using var host = new HostHarness(now: FixedClock.WeekdayNight);
        var link = await host.CreateLinkAsync();
        var callback = HostHarness.CallbackParameters(await host.FollowAsync(link));
        callback["error"].Should().Be("unauthorized");
        callback["error_description"].Should().Be("Impersonation is only allowed during support hours (Monday to Friday, 08:00-18:00).");
        host.AuditEntries("f").Single().Details["rule"]!.GetValue<string>().Should().Be("Impersonation only during support business hours");
    }

    [Fact]
    public async Task The_clock_the_rules_see_is_the_server_clock_at_redemption()
    {
        using var host = new HostHarness(now: new DateTimeOffset(2026, 3, 10, 17, 58, 0, TimeSpan.FromHours(-5)));
        var link = await host.CreateLinkAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(3)); // 18:01 desk time, link still valid
        HostHarness.CallbackParameters(await host.FollowAsync(link))["error"].Should().Be("unauthorized");
    }

    [Fact]
    public async Task Denials_in_the_fragment_and_form_post_modes_use_the_same_mode()
    {
        using var host = new HostHarness(now: FixedClock.WeekdayNight);
        var tokenLink = await host.CreateLinkAsync(body: HostHarness.ImpersonationBody(responseType: "token"));
        var redirect = await host.FollowAsync(tokenLink);
        redirect.Headers.Location!.ToString().Should().StartWith(HostHarness.PortalCallback + "#error=unauthorized");

        var formLink = await host.CreateLinkAsync(body: HostHarness.ImpersonationBody(responseMode: "form_post"));
        var html = await (await host.FollowAsync(formLink)).Content.ReadAsStringAsync();
        html.Should().Contain("name=\"error\" value=\"unauthorized\"").And.Contain("name=\"error_description\"").And.NotContain("name=\"code\"");
    }

    [Fact]
    public async Task A_link_works_once()
    {
        using var host = new HostHarness();
        var link = await host.CreateLinkAsync();
        (await host.FollowAsync(link)).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var again = await host.FollowAsync(link);
        again.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        again.Headers.Location.Should().BeNull();
        again.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        (await again.Content.ReadAsStringAsync()).Should().Contain("invalid, has expired or was already used");

        var replay = host.AuditEntries("f").Should().ContainSingle().Subject;
        var linkId = host.AuditEntries("impersonation_requested").Single().Details["link_id"]!.GetValue<string>();
        replay.description.Should().Be("Failed login: impersonation link already used");
        replay.Details["reason"]!.GetValue<string>().Should().Be("used");
        replay.Details["link_id"]!.GetValue<string>().Should().Be(linkId);
        replay.Details["used_at"].Should().NotBeNull();
        replay.user_id.Should().Be(HostHarness.Jordan);
        replay.impersonator_id.Should().Be(HostHarness.Priya);
        replay.client_id.Should().Be(HostHarness.PortalId);
    }

    [Fact]
    public async Task An_unknown_link_is_refused_with_json_for_api_clients()
    {
        using var host = new HostHarness();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/impersonation/not-a-real-secret");
        request.Headers.Accept.ParseAdd("application/json");
        var response = await host.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body["errorCode"]!.GetValue<string>().Should().Be("invalid_link");
        body["statusCode"]!.GetValue<int>().Should().Be(400);
        var entry = host.AuditEntries("f").Should().ContainSingle().Subject;
        entry.ip.Should().Be(HostHarness.ClientIp);
        entry.description.Should().Be("Failed login: unknown impersonation link");
        entry.Details.ToJsonString().Should().Be("""{"reason":"unknown"}""", "no link has this secret, so there is no link id to name");
        entry.user_id.Should().BeNull();
    }

    [Fact]
    public async Task A_link_expires_after_five_minutes()
    {
        using var host = new HostHarness();
        var early = await host.CreateLinkAsync();
        var late = await host.CreateLinkAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        (await host.FollowAsync(early)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        host.Clock.Advance(TimeSpan.FromSeconds(2));
        (await host.FollowAsync(late)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var expired = host.AuditEntries("f").Should().ContainSingle().Subject;
        expired.description.Should().Be("Failed login: impersonation link expired");
        expired.Details["reason"]!.GetValue<string>().Should().Be("expired");
        expired.Details["link_id"]!.GetValue<string>().Should().StartWith("lnk_")
            .And.Be(host.AuditEntries("impersonation_requested")[1].Details["link_id"]!.GetValue<string>());
        expired.Details["expired_at"].Should().NotBeNull();
    }

    [Fact]
    public async Task Of_many_concurrent_redemptions_of_one_link_exactly_one_succeeds()
    {
        using var host = new HostHarness();
        var link = await host.CreateLinkAsync();
        var clients = Enumerable.Range(0, 30).Select(_ => host.NewClient()).ToArray();
        var responses = await Task.WhenAll(clients.Select(c => Task.Run(() => host.FollowAsync(link, c))));
        responses.Count(r => r.StatusCode == HttpStatusCode.Redirect).Should().Be(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest).Should().Be(29);
        host.AuditEntries("s").Should().ContainSingle();
        host.Scalar<long>("SELECT COUNT(*) FROM authorization_codes").Should().Be(1);
    }

    [Fact]
    public async Task The_callback_is_the_one_validated_with_the_link_never_one_from_the_redemption_request()
    {
        using var host = new HostHarness();
        var link = await host.CreateLinkAsync();
        var redirect = await host.FollowAsync(link + "?callback_url=https%3A%2F%2Fevil.example%2F&redirect_uri=https%3A%2F%2Fevil.example%2F");
        redirect.Headers.Location!.ToString().Should().StartWith(HostHarness.PortalCallback + "?code=");
    }

    [Fact]
    public async Task Audit_and_decision_log_record_who_impersonated_whom_before_the_redirect()
    {
        using var host = new HostHarness();
        var link = await host.CreateLinkAsync();
        await host.FollowAsync(link);

        var entries = host.AuditEntries();
        entries.Select(e => e.type).Should().Equal("seccft", "impersonation_requested", "impersonation_link_consumed", "s");
        var requested = entries[1];
        var consumed = entries[2];
        var login = entries[3];
        // Written with the consumption itself, before the rules ran: the link is never spent without a record.
        consumed.Details["link_id"]!.GetValue<string>().Should().Be(login.Details["link_id"]!.GetValue<string>());
        consumed.user_id.Should().Be(HostHarness.Jordan);
        consumed.impersonator_id.Should().Be(HostHarness.Priya);
        consumed.ip.Should().Be(HostHarness.ClientIp);
        foreach (var entry in new[] { requested, login })
        {
            entry.user_id.Should().Be(HostHarness.Jordan);
            entry.user_name.Should().Be(HostHarness.JordanEmail);
            entry.impersonator_id.Should().Be(HostHarness.Priya);
            entry.impersonator_email.Should().Be(HostHarness.PriyaEmail);
            entry.client_id.Should().Be(HostHarness.PortalId);
            entry.client_name.Should().Be("Acme Customer Portal");
            entry.ip.Should().Be(HostHarness.ClientIp);
            entry.user_agent.Should().Be(HostHarness.UserAgent);
        }
        requested.Details["requested_by"]!.GetValue<string>().Should().Be(HostHarness.ToolingClientId + "@clients");
        requested.Details["link_id"]!.GetValue<string>().Should().Be(login.Details["link_id"]!.GetValue<string>());
        login.Details["decision"]!.GetValue<string>().Should().Be("allow");
        login.Details["ruleSetVersion"]!.GetValue<string>().Should().NotBeEmpty();
        login.Details["timings"]!["rules"]!.AsObject().Should().HaveCount(7);

        var record = host.DecisionRecords().Should().ContainSingle().Subject;
        record["id"]!.GetValue<string>().Should().Be(login.Details["decision_id"]!.GetValue<string>());
        record["kind"]!.GetValue<string>().Should().Be("impersonation");
        record["outcome"]!["decision"]!.GetValue<string>().Should().Be("allow");
        record["transaction"]!["now"]!.GetValue<string>().Should().Be("2026-03-10T15:00:00.000Z");
        host.Scalar<string>("SELECT log_id FROM decision_log").Should().Be(login.log_id);

        var user = record["transaction"]!["user"]!;
        user["user_id"]!.GetValue<string>().Should().Be(HostHarness.Jordan);
        user["impersonated"]!.GetValue<bool>().Should().BeTrue();
        user["impersonator"]!["email"]!.GetValue<string>().Should().Be(HostHarness.PriyaEmail);
        var context = record["transaction"]!["context"]!;
        context["clientID"]!.GetValue<string>().Should().Be(HostHarness.PortalId);
        context["clientName"]!.GetValue<string>().Should().Be("Acme Customer Portal");
        context["connection"]!.GetValue<string>().Should().Be("Username-Password-Authentication");
        context["connectionStrategy"]!.GetValue<string>().Should().Be("auth0");
        context["connectionID"]!.GetValue<string>().Should().StartWith("con_");
        context["protocol"]!.GetValue<string>().Should().Be("oauth2");
        context["request"]!["ip"]!.GetValue<string>().Should().Be(HostHarness.ClientIp);
        context["request"]!["userAgent"]!.GetValue<string>().Should().Be(HostHarness.UserAgent);
        context["request"]!["hostname"]!.GetValue<string>().Should().Be("localhost");
        context["request"]!["query"]!["scope"]!.GetValue<string>().Should().Be("openid profile email");
        context["request"]!["query"]!["redirect_uri"]!.GetValue<string>().Should().Be(HostHarness.PortalCallback);
        context["accessToken"]!["scope"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("openid", "profile", "email");
        context["authentication"]!["methods"]![0]!["name"]!.GetValue<string>().Should().Be("impersonation");
        context["sessionID"]!.GetValue<string>().Should().NotBeEmpty();
        context["tenant"]!.GetValue<string>().Should().NotBeEmpty();
    }

    [Fact]
    public async Task An_impersonated_session_is_not_counted_as_the_users_login()
    {
        using var host = new HostHarness();
        var before = host.Scalar<long>("SELECT logins_count FROM users WHERE user_id = @id", new { id = HostHarness.Jordan });
        await host.TokensAsync();
        host.Scalar<long>("SELECT logins_count FROM users WHERE user_id = @id", new { id = HostHarness.Jordan }).Should().Be(before);
        host.DecisionRecords().Single()["transaction"]!["context"]!["stats"]!["loginsCount"]!.GetValue<long>().Should().Be(before);
    }

    [Fact]
    public async Task Changes_since_the_link_was_made_are_checked_when_it_is_followed()
    {
        using var host = new HostHarness();
        var revoked = await host.CreateLinkAsync();
        var disabled = await host.CreateLinkAsync();
        var removedCallback = await host.CreateLinkAsync();

        host.Execute("UPDATE tenant_settings SET value = '[]' WHERE key = 'impersonators'");
        var callback = HostHarness.CallbackParameters(await host.FollowAsync(revoked));
        callback["error"].Should().Be("access_denied");
        callback["error_description"].Should().Contain("no longer allowed to impersonate");

        host.Execute("UPDATE tenant_settings SET value = 'false' WHERE key = 'impersonation_enabled'");
        HostHarness.CallbackParameters(await host.FollowAsync(disabled))["error_description"].Should().Be("Impersonation is disabled for this tenant.");

        host.Execute("UPDATE clients SET callbacks = '[\"https://portal.acme.example.com/callback\"]' WHERE client_id = @id", new { id = HostHarness.PortalId });
        var page = await host.FollowAsync(removedCallback);
        page.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        page.Headers.Location.Should().BeNull("a callback that is no longer registered is never redirected to");
        host.AuditEntries("f").Should().HaveCount(3);
        host.DecisionRecords().Should().BeEmpty("the rules did not run");
    }

    /// <summary>Validates signature (with the key from /.well-known/jwks.json), issuer and audience; the lifetime is checked against the test clock separately.</summary>
    public static async Task<JsonWebToken> ValidateAgainstJwksAsync(HostHarness host, string token, string audience)
    {
        var jwks = new JsonWebKeySet(await host.Client.GetStringAsync("/.well-known/jwks.json"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = HostHarness.Issuer,
            ValidAudience = audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidateLifetime = false,
        });
        result.IsValid.Should().BeTrue(result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        jwt.ValidTo.Should().BeAfter(host.Clock.GetUtcNow().UtcDateTime);
        return jwt;
    }

    public static string Json(JsonWebToken token, string claim) =>
        JsonNode.Parse(token.GetPayloadValue<System.Text.Json.JsonElement>(claim).GetRawText())!.ToJsonString();
}
