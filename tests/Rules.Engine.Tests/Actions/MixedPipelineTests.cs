using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests.Actions;

/// <summary>Auth0 rules and Actions-style files in one ordered pipeline, feeding one outcome.</summary>
public class MixedPipelineTests
{
    private const string EnrichingRule = """
        function (user, context, callback) {
          context.idToken['https://t/from-rule'] = 'rule';
          context.accessToken.scope = ['openid'];
          user.app_metadata.tier = 'gold';
          callback(null, user, context);
        }
        """;

    [Fact]
    public void A_rule_that_denies_stops_the_pipeline_before_an_action_runs()
    {
        using var pipeline = ActionPipeline.Of(
            ("deny", "function (user, context, callback) { callback(new UnauthorizedError('blocked by rule')); }"),
            ("action", "exports.onExecutePostLogin = async (event, api) => { console.log('action ran'); api.idToken.setCustomClaim('https://t/x', 1); };"));

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Rule.Should().Be("deny");
        outcome.Error.Should().Be("unauthorized");
        outcome.Logs.Should().NotContain(l => l.Contains("action ran"));
        outcome.IdToken.Should().BeEmpty();
        outcome.Timings.Rules.Select(t => t.Rule).Should().Equal("deny");
    }

    [Fact]
    public void An_action_sees_what_an_earlier_rule_enriched_and_can_deny_after_it()
    {
        using var pipeline = ActionPipeline.Of(
            ("enrich", EnrichingRule),
            ("action", """
                exports.onExecutePostLogin = async (event, api) => {
                  if (event.user.app_metadata.tier === 'gold') api.access.deny('gold accounts sign in elsewhere');
                };
                """));

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Rule.Should().Be("action");
        outcome.Kind.Should().Be(DenialKind.RuleDenied);
        outcome.ErrorDescription.Should().Be("gold accounts sign in elsewhere");
        outcome.Timings.Rules.Select(t => t.Rule).Should().Equal("enrich", "action");
        outcome.User["app_metadata"]!["tier"]!.GetValue<string>().Should().Be("gold");
    }

    [Fact]
    public void Rules_and_actions_feed_one_outcome_in_order()
    {
        using var pipeline = ActionPipeline.Of(
            ("enrich", EnrichingRule),
            ("action", """
                exports.onExecutePostLogin = async (event, api) => {
                  api.idToken.setCustomClaim('https://t/from-action', 'action');
                  api.accessToken.addScope('read:orders');
                  api.user.setAppMetadata('seen', true);
                };
                """),
            ("after", """
                function (user, context, callback) {
                  context.idToken['https://t/rule-saw'] = context.idToken['https://t/from-action'];
                  auth0.users.updateUserMetadata(user.user_id, { theme: 'dark' }).then(() => callback(null, user, context));
                }
                """));

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Allow, outcome.Failure?.Message);
        outcome.IdToken.ToJsonString().Should().Be("""{"https://t/from-rule":"rule","https://t/from-action":"action","https://t/rule-saw":"action"}""");
        outcome.AccessToken["scope"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("openid", "read:orders");
        outcome.MetadataUpdates.Select(u => (u.Rule, u.Kind)).Should().Equal(("action", MetadataKind.AppMetadata), ("after", MetadataKind.UserMetadata));
    }

    [Fact]
    public void A_rule_that_replaces_context_is_what_the_next_action_writes_to()
    {
        using var pipeline = ActionPipeline.Of(
            ("replace", "function (user, context, callback) { callback(null, user, Object.assign({}, context, { idToken: { 'https://t/new': 1 } })); }"),
            ("action", "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('https://t/action', 2); };"));

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.IdToken.ToJsonString().Should().Be("""{"https://t/new":1,"https://t/action":2}""");
    }
}
