using System.Net;
using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;
using Rules.Host.RuleSets;

namespace Rules.Host.Tests.Http;

/// <summary>The auth0 global on a served login: domain, baseUrl, and a short-lived Management API token with the granted scopes.</summary>
public sealed class Auth0GlobalTests
{
    private const string TokenRule = """
        function (user, context, callback) {
          console.log('calling ' + auth0.baseUrl + ' with ' + auth0.accessToken);
          context.idToken['https://example.com/domain'] = auth0.domain;
          context.idToken['https://example.com/baseUrl'] = auth0.baseUrl;
          context.idToken['https://example.com/t'] = auth0.accessToken || 'none';
          callback(null, user, context);
        }
        """;

    [Fact]
    public async Task A_rule_gets_a_working_token_with_only_the_grantable_scopes_the_configuration_names_and_it_is_never_logged()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("token.js", TokenRule);
        rules.Write("rules.json", """{ "rules": [ { "file": "token.js" } ], "configuration": { "AUTH0_ACCESS_TOKEN_SCOPE": "read:users update:rules read:roles" } }""");
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });

        var tokens = await host.TokensAsync();

        var idToken = new JsonWebToken(tokens["id_token"]!.GetValue<string>());
        idToken.GetPayloadValue<string>("https://example.com/domain").Should().Be("localhost");
        idToken.GetPayloadValue<string>("https://example.com/baseUrl").Should().Be("http://localhost/api/v2");
        var token = idToken.GetPayloadValue<string>("https://example.com/t");
        var payload = new JsonWebToken(token);
        payload.GetPayloadValue<string>("scope").Should().Be("read:users read:roles", "update:rules is not grantable to rules");
        payload.GetPayloadValue<string>("sub").Should().Be(RuleAuth0Globals.Subject);
        (payload.ValidTo - payload.IssuedAt).Should().Be(RuleAuth0Globals.Lifetime);

        using var api = host.NewClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await api.GetAsync("/api/v2/users")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await api.GetAsync("/api/v2/rules")).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var logs = host.DecisionRecords().Single()["outcome"]!["logs"]!.ToJsonString();
        logs.Should().Contain("with [auth0.accessToken]").And.NotContain(token);
    }

    [Fact]
    public async Task Without_a_granted_scope_the_token_is_undefined()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("token.js", TokenRule);
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });

        var tokens = await host.TokensAsync();

        new JsonWebToken(tokens["id_token"]!.GetValue<string>()).GetPayloadValue<string>("https://example.com/t").Should().Be("none");
    }
}
