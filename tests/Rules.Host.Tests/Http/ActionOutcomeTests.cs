using System.Text.Json.Nodes;

namespace Rules.Host.Tests.Http;

/// <summary>An Actions-style policy on a real "Sign in as User" login: its event comes from the host's transaction, its api reaches the tokens and the store.</summary>
public class ActionOutcomeTests
{
    private const string Action = """
        exports.onExecutePostLogin = async (event, api) => {
          if (event.transaction.state === 'deny') {
            api.user.setAppMetadata('last_impersonated_by', event.user.impersonator.email);
            return api.access.deny(`no impersonation into ${event.client.name}`);
          }
          api.user.setAppMetadata('last_impersonated_by', event.user.impersonator.email);
          api.idToken.setCustomClaim('https://rules.example.com/seen', {
            client: event.client.client_id, impersonated: event.user.impersonated, scopes: event.transaction.requested_scopes,
            methods: event.authentication.methods.map(m => m.name),
          });
          api.idToken.setCustomClaim('sub', 'auth0|forged');
        };
        """;

    [Fact]
    public async Task An_allowed_login_carries_the_actions_claims_and_applies_its_metadata()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("action.js", Action);
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });

        var tokens = await host.TokensAsync();

        var idToken = await ImpersonationFlowTests.ValidateAgainstJwksAsync(host, tokens["id_token"]!.GetValue<string>(), HostHarness.PortalId);
        var seen = JsonNode.Parse(idToken.GetClaim("https://rules.example.com/seen").Value)!.AsObject();
        seen["client"]!.GetValue<string>().Should().Be(HostHarness.PortalId);
        seen["impersonated"]!.GetValue<bool>().Should().BeTrue();
        seen["scopes"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Contain("openid");
        seen["methods"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("impersonation");
        idToken.Subject.Should().Be(HostHarness.Jordan, "a reserved claim set by an action is dropped");
        AppMetadata(host)["last_impersonated_by"]!.GetValue<string>().Should().Be(HostHarness.PriyaEmail);
    }

    [Fact]
    public async Task A_denial_reaches_the_application_and_its_metadata_is_not_applied()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("action.js", Action);
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });

        var link = await host.CreateLinkAsync(body: HostHarness.ImpersonationBody(state: "deny"));
        var callback = HostHarness.CallbackParameters(await host.FollowAsync(link));

        callback["error"].Should().Be("access_denied");
        callback["error_description"].Should().StartWith("no impersonation into ");
        AppMetadata(host).Should().NotContainKey("last_impersonated_by");
    }

    private static JsonObject AppMetadata(HostHarness host) =>
        JsonNode.Parse(host.Scalar<string>("SELECT profile FROM users WHERE user_id = @id", new { id = HostHarness.Jordan }))!["app_metadata"]!.AsObject();
}
