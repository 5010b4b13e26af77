using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests;

public class EnrichmentTests
{
    [Fact]
    public void Claims_and_scopes_come_back_in_the_outcome()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              const ns = 'https://example.com/';
              context.idToken[ns + 'roles'] = user.app_metadata.roles;
              context.idToken[ns + 'profile'] = { name: user.name, n: 1.5, ok: true, none: null, skip: undefined, fn: function () {} };
              context.accessToken[ns + 'tier'] = 'gold';
              context.accessToken.scope = ['openid', 'read:reports'];
              callback(null, user, context);
            }
            """);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.IdToken.ToJsonString().Should().Be(
            """{"https://example.com/roles":["user"],"https://example.com/profile":{"name":"Alice","n":1.5,"ok":true,"none":null}}""");
        outcome.AccessToken["https://example.com/tier"]!.GetValue<string>().Should().Be("gold");
        outcome.AccessToken["scope"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("openid", "read:reports");
    }

    [Fact]
    public void A_space_separated_scope_string_becomes_an_array()
    {
        using var pipeline = PipelineFactory.Create("function (user, context, callback) { context.accessToken.scope = 'openid  email'; callback(null, user, context); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.AccessToken["scope"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("openid", "email");
    }

    [Theory]
    [InlineData("iss")]
    [InlineData("sub")]
    [InlineData("aud")]
    [InlineData("exp")]
    [InlineData("nonce")]
    [InlineData("auth_time")]
    [InlineData("https://auth0.com/anything")]
    public void Reserved_claims_are_refused_and_reported(string claim)
    {
        using var pipeline = PipelineFactory.Create(
            $"function (user, context, callback) {{ context.idToken['{claim}'] = 'forged'; context.idToken['https://example.com/ok'] = 1; callback(null, user, context); }}");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Allow);
        outcome.IdToken.ContainsKey(claim).Should().BeFalse();
        outcome.IdToken.ContainsKey("https://example.com/ok").Should().BeTrue();
        outcome.DroppedClaims.Should().ContainSingle(d => d.Claim == claim && d.Token == "idToken");
        outcome.Logs.Should().Contain(l => l.Contains($"claim '{claim}'"));
    }

    [Fact]
    public void Changes_to_the_user_are_returned()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { user.app_metadata.plan = 'pro'; user.nickname = 'al'; delete user.name; callback(null, user, context); }");
        var transaction = PipelineFactory.Login();
        var outcome = pipeline.Execute(transaction);
        outcome.User["app_metadata"]!["plan"]!.GetValue<string>().Should().Be("pro");
        outcome.User["nickname"]!.GetValue<string>().Should().Be("al");
        outcome.User.ContainsKey("name").Should().BeFalse();
        transaction.User.ContainsKey("name").Should().BeTrue("the transaction itself is never modified");
    }

    [Fact]
    public void Metadata_updates_are_copied_when_requested()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              user.app_metadata.step = 1;
              auth0.users.updateAppMetadata(user.user_id, user.app_metadata);
              user.app_metadata.step = 2;
              callback(null, user, context);
            }
            """);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.MetadataUpdates.Single().Metadata["step"]!.GetValue<double>().Should().Be(1);
        outcome.User["app_metadata"]!["step"]!.GetValue<double>().Should().Be(2);
    }

    [Fact]
    public void Invalid_metadata_calls_reject_with_a_clear_error()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { auth0.users.updateAppMetadata(user.user_id, 'nope').then(function () { callback(null, user, context); }, callback); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Deny);
        outcome.ErrorDescription.Should().Contain("metadata must be an object");
        outcome.MetadataUpdates.Should().BeEmpty();
    }

    [Fact]
    public void The_outcome_json_has_the_contract_shape()
    {
        using var pipeline = PipelineFactory.Create("function (user, context, callback) { callback(new UnauthorizedError('no')); }");
        var json = JsonNode.Parse(OutcomeJson.Serialize(pipeline.Execute(PipelineFactory.Login())))!.AsObject();
        json.Select(p => p.Key).Should().ContainInOrder("decision", "rule", "error", "error_description", "kind", "idToken", "accessToken", "user", "metadataUpdates", "logs", "timings");
        json["decision"]!.GetValue<string>().Should().Be("deny");
        json["kind"]!.GetValue<string>().Should().Be("rule_denied");
        json["timings"]!["rules"]!["rule1"].Should().NotBeNull();
    }
}
