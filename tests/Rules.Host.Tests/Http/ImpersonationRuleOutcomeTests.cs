using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Rules.Host.Tests.Http;

/// <summary>What the host does with the pipeline's outcome: metadata updates on allow only, failing closed without rules.</summary>
public class ImpersonationRuleOutcomeTests
{
    private const string MetadataRule = """
        function recordImpersonation(user, context, callback) {
          auth0.users.updateAppMetadata(user.user_id, { last_impersonated_by: user.impersonator.email })
            .then(function () {
              if (context.request.query.state === 'deny') {
                return callback(new UnauthorizedError('denied after the update'));
              }
              context.idToken['https://rules.example.com/checked'] = true;
              callback(null, user, context);
            });
        }
        """;

    [Fact]
    public async Task Metadata_updates_are_applied_when_the_login_is_allowed()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("record.js", MetadataRule);
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });
        await host.TokensAsync();
        AppMetadata(host)["last_impersonated_by"]!.GetValue<string>().Should().Be(HostHarness.PriyaEmail);
        AppMetadata(host)["plan"]!.GetValue<string>().Should().Be("pro", "updates merge top-level keys");
    }

    [Fact]
    public async Task Metadata_updates_are_dropped_when_the_login_is_denied()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("record.js", MetadataRule);
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });
        var link = await host.CreateLinkAsync(body: HostHarness.ImpersonationBody(state: "deny"));
        var callback = HostHarness.CallbackParameters(await host.FollowAsync(link));
        callback["error_description"].Should().Be("denied after the update");
        AppMetadata(host).Should().NotContainKey("last_impersonated_by");
        host.DecisionRecords().Single()["outcome"]!["metadataUpdates"]!.AsArray().Should().ContainSingle("the record still shows what the rules asked for");
    }

    [Fact]
    public async Task Without_a_live_rule_set_logins_fail_closed()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("broken.js", "function (user, context, callback) { callback(null, user, context ");
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });
        var link = await host.CreateLinkAsync();
        var callback = HostHarness.CallbackParameters(await host.FollowAsync(link));
        callback["error"].Should().Be("access_denied");
        callback["error_description"].Should().Be(Rules.Engine.Pipeline.DenialDescriptions.Generic);
        var failure = host.AuditEntries("f").Should().ContainSingle().Subject;
        failure.description.Should().Contain("no rule set is live");
        failure.Details["kind"]!.GetValue<string>().Should().Be("rule_error");
        host.DecisionRecords().Should().ContainSingle();
    }

    [Fact]
    public async Task Custom_claims_from_any_rule_reach_the_id_token()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("record.js", MetadataRule);
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });
        var tokens = await host.TokensAsync();
        var idToken = await ImpersonationFlowTests.ValidateAgainstJwksAsync(host, tokens["id_token"]!.GetValue<string>(), HostHarness.PortalId);
        idToken.GetPayloadValue<bool>("https://rules.example.com/checked").Should().BeTrue();
    }

    [Fact]
    public async Task Rules_cannot_replace_the_servers_claims()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("spoof.js", """
            function (user, context, callback) {
              context.idToken.sub = 'auth0|someone-else';
              context.idToken.act = { sub: 'nobody' };
              context.idToken.impersonated = false;
              context.accessToken.aud = 'https://elsewhere/';
              callback(null, user, context);
            }
            """);
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });
        var tokens = await host.TokensAsync();
        var idToken = await ImpersonationFlowTests.ValidateAgainstJwksAsync(host, tokens["id_token"]!.GetValue<string>(), HostHarness.PortalId);
        idToken.Subject.Should().Be(HostHarness.Jordan);
        idToken.GetPayloadValue<bool>("impersonated").Should().BeTrue();
        ImpersonationFlowTests.Json(idToken, "act").Should().Contain(HostHarness.Priya);
        await ImpersonationFlowTests.ValidateAgainstJwksAsync(host, tokens["access_token"]!.GetValue<string>(), HostHarness.Issuer + "userinfo");
    }

    [Fact]
    public async Task A_database_failure_is_a_503_in_auth0s_shape_without_details()
    {
        using var host = new HostHarness();
        var link = await host.CreateLinkAsync();
        host.Execute("DROP TABLE impersonation_links");
        var response = await host.FollowAsync(link);
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonNode.Parse(text)!.AsObject();
        body["statusCode"]!.GetValue<int>().Should().Be(503);
        body["error"]!.GetValue<string>().Should().Be("Service Unavailable");
        body["errorCode"]!.GetValue<string>().Should().Be("database_unavailable");
        text.Should().NotContain("impersonation_links").And.NotContain("Sqlite").And.NotContain(" at ");
    }

    private static JsonObject AppMetadata(HostHarness host) =>
        JsonNode.Parse(host.Scalar<string>("SELECT profile FROM users WHERE user_id = @id", new { id = HostHarness.Jordan }))!["app_metadata"]!.AsObject();
}
