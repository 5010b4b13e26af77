using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests.Actions;

public class ActionEventTests
{
    private const string Context = """
        {
          "tenant": "acme-prod", "clientID": "app2", "clientName": "App Two", "clientMetadata": { "tier": "gold" },
          "connection": "Username-Password-Authentication", "connectionStrategy": "auth0", "connectionID": "con_1",
          "protocol": "oidc-basic-profile", "sessionID": "sess_1",
          "request": { "ip": "142.112.40.7", "hostname": "login.example.com", "userAgent": "curl/8",
                       "geoip": { "country_code": "CA" },
                       "query": { "scope": "openid email", "response_type": "code", "redirect_uri": "https://app/cb", "state": "xyz" } },
          "stats": { "loginsCount": 42 },
          "authentication": { "methods": [ { "name": "pwd", "timestamp": 1 } ] }
        }
        """;

    [Fact]
    public void The_event_carries_auth0s_post_login_fields_from_the_transaction()
    {
        using var pipeline = ActionPipeline.Of(new Dictionary<string, string> { ["API_KEY"] = "s3cret" }, ("action", """
            exports.onExecutePostLogin = async (event, api) => {
              const { user, client, connection, request, stats, secrets, tenant, authentication, transaction, session } = event;
              api.idToken.setCustomClaim('https://t/event', {
                user: user.email, client, connection, request, logins: stats.logins_count, secret: secrets.API_KEY,
                tenant: tenant.id, methods: authentication.methods.map(m => m.name), transaction, session: session.id,
              });
            };
            """));

        var outcome = pipeline.Execute(PipelineFactory.Login(contextJson: Context));

        outcome.Decision.Should().Be(Decision.Allow, outcome.Failure?.Message);
        JsonNode.DeepEquals(outcome.IdToken["https://t/event"], JsonNode.Parse("""
            {
              "user": "alice@example.com",
              "client": { "client_id": "app2", "name": "App Two", "metadata": { "tier": "gold" } },
              "connection": { "id": "con_1", "name": "Username-Password-Authentication", "strategy": "auth0" },
              "request": { "ip": "142.112.40.7", "hostname": "login.example.com", "user_agent": "curl/8", "geoip": { "country_code": "CA" },
                           "query": { "scope": "openid email", "response_type": "code", "redirect_uri": "https://app/cb", "state": "xyz" }, "body": {} },
              "logins": 42, "secret": "s3cret", "tenant": "acme-prod", "methods": ["pwd"],
              "transaction": { "protocol": "oidc-basic-profile", "requested_scopes": ["openid", "email"], "response_type": ["code"],
                               "redirect_uri": "https://app/cb", "state": "xyz" },
              "session": "sess_1"
            }
            """)).Should().BeTrue(outcome.IdToken.ToJsonString());
    }

    [Fact]
    public void A_sparse_transaction_still_gives_every_event_object()
    {
        using var pipeline = ActionPipeline.Action("""
              api.idToken.setCustomClaim('https://t/shape', [typeof event.request.geoip, event.transaction.requested_scopes.length,
                event.authentication.methods.length, typeof event.client.metadata, typeof event.secrets]);
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login(contextJson: """{ "clientID": "app2" }"""));

        outcome.IdToken["https://t/shape"]!.ToJsonString().Should().Be("""["object",0,0,"object","object"]""");
    }

    [Fact]
    public void Secrets_are_read_only()
    {
        using var pipeline = ActionPipeline.Of(new Dictionary<string, string> { ["K"] = "v" }, ("action", """
            exports.onExecutePostLogin = async (event, api) => {
              'use strict';
              event.secrets.K = 'changed';
            };
            """));

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Failure!.Message.Should().Contain("TypeError");
    }

    [Fact]
    public void On_an_impersonated_login_the_user_carries_read_only_markers()
    {
        using var pipeline = ActionPipeline.Action("""
              event.user.impersonated = false;
              event.user.impersonator = { user_id: 'auth0|someone-else' };
              api.idToken.setCustomClaim('https://t/seen', [event.user.impersonated, event.user.impersonator.user_id]);
            """);

        var outcome = pipeline.Execute(PipelineFactory.Impersonated());

        outcome.IdToken["https://t/seen"]!.ToJsonString().Should().Be("""[true,"auth0|support"]""");
        outcome.User["impersonated"]!.GetValue<bool>().Should().BeTrue();
        outcome.User["impersonator"]!["user_id"]!.GetValue<string>().Should().Be("auth0|support");
    }

    [Fact]
    public void On_an_ordinary_login_the_user_has_no_markers()
    {
        using var pipeline = ActionPipeline.Action("api.idToken.setCustomClaim('https://t/seen', 'impersonated' in event.user);");

        var outcome = pipeline.Execute(PipelineFactory.Login("""{ "user_id": "auth0|a", "impersonated": "yes", "impersonator": { "user_id": "x" } }"""));

        outcome.IdToken["https://t/seen"]!.GetValue<bool>().Should().BeFalse("only the host decides who is impersonated");
    }
}
