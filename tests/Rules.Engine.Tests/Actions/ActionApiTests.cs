using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests.Actions;

public class ActionApiTests
{
    [Fact]
    public void Id_token_and_access_token_claims_come_back_in_the_outcome()
    {
        using var pipeline = ActionPipeline.Action("""
              api.idToken.setCustomClaim('https://example.com/roles', event.user.app_metadata.roles);
              api.accessToken.setCustomClaim('https://example.com/tier', 'gold');
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Allow, outcome.Failure?.Message);
        outcome.IdToken.ToJsonString().Should().Be("""{"https://example.com/roles":["user"]}""");
        outcome.AccessToken["https://example.com/tier"]!.GetValue<string>().Should().Be("gold");
    }

    [Fact]
    public void Add_scope_and_remove_scope_edit_the_access_token_scope()
    {
        using var pipeline = ActionPipeline.Action("""
              api.accessToken.addScope('read:reports');
              api.accessToken.addScope('openid');
              api.accessToken.removeScope('delete:account');
            """);
        var login = PipelineFactory.Login(contextJson: """{ "clientID": "app2", "accessToken": { "scope": "openid delete:account" } }""");

        var outcome = pipeline.Execute(login);

        outcome.AccessToken["scope"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("openid", "read:reports");
    }

    [Fact]
    public void A_scope_with_a_space_is_refused()
    {
        using var pipeline = ActionPipeline.Action("api.accessToken.addScope('a b');");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.Message.Should().Contain("scope must be one non-empty scope name");
    }

    [Theory]
    [InlineData("sub")]
    [InlineData("iss")]
    [InlineData("impersonated")]
    [InlineData("https://auth0.com/x")]
    public void Reserved_claims_are_dropped_and_reported_as_for_rules(string claim)
    {
        using var pipeline = ActionPipeline.Action($"""
              api.idToken.setCustomClaim('{claim}', 'forged');
              api.accessToken.setCustomClaim('{claim}', 'forged');
              api.idToken.setCustomClaim('https://example.com/ok', 1);
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Allow);
        outcome.IdToken.ContainsKey(claim).Should().BeFalse();
        outcome.AccessToken.ContainsKey(claim).Should().BeFalse();
        outcome.IdToken.ContainsKey("https://example.com/ok").Should().BeTrue();
        outcome.DroppedClaims.Should().Contain(d => d.Claim == claim && d.Token == "idToken")
            .And.Contain(d => d.Claim == claim && d.Token == "accessToken");
    }

    [Fact]
    public void Deny_denies_with_access_denied_and_the_reason()
    {
        using var pipeline = ActionPipeline.Action("api.access.deny('Your account is locked.');");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Error.Should().Be("access_denied");
        outcome.Kind.Should().Be(DenialKind.RuleDenied);
        outcome.ErrorDescription.Should().Be("Your account is locked.");
        outcome.Rule.Should().Be("action");
    }

    [Fact]
    public void Deny_lets_the_action_finish_but_no_later_file_runs()
    {
        using var pipeline = ActionPipeline.Of(
            ("first", """
                exports.onExecutePostLogin = async (event, api) => {
                  api.access.deny('first reason');
                  api.access.deny('second reason');
                  console.log('still running');
                };
                """),
            ("later", "function (user, context, callback) { console.log('later ran'); callback(null, user, context); }"));

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.ErrorDescription.Should().Be("first reason");
        outcome.Logs.Should().Contain("[first] still running").And.NotContain(l => l.Contains("later ran"));
        outcome.Timings.Rules.Select(t => t.Rule).Should().Equal("first");
    }

    [Fact]
    public void Metadata_calls_are_batched_into_one_update_per_kind()
    {
        using var pipeline = ActionPipeline.Action("""
              api.user.setAppMetadata('plan', 'pro');
              api.user.setAppMetadata('visits', 3);
              api.user.setAppMetadata('plan', 'team');
              api.user.setAppMetadata('legacy', undefined);
              api.user.setUserMetadata('theme', 'dark');
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Allow, outcome.Failure?.Message);
        outcome.MetadataUpdates.Should().HaveCount(2);
        var app = outcome.MetadataUpdates.Single(u => u.Kind == MetadataKind.AppMetadata);
        app.UserId.Should().Be("auth0|alice");
        app.Rule.Should().Be("action");
        app.Metadata.ToJsonString().Should().Be("""{"plan":"team","visits":3,"legacy":null}""");
        outcome.MetadataUpdates.Single(u => u.Kind == MetadataKind.UserMetadata).Metadata.ToJsonString().Should().Be("""{"theme":"dark"}""");
    }

    [Fact]
    public void Metadata_set_before_a_denial_is_in_the_outcome_but_the_login_is_denied()
    {
        // The host applies metadataUpdates only when the decision is allow.
        using var pipeline = ActionPipeline.Action("""
              api.user.setAppMetadata('attempts', 1);
              api.access.deny('no');
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.IsAllowed.Should().BeFalse();
        outcome.MetadataUpdates.Should().ContainSingle();
    }

    [Theory]
    [InlineData("api.authentication.challengeWith({ type: 'otp' })", "api.authentication.challengeWith")]
    [InlineData("api.authentication.setPrimaryUser('auth0|other')", "api.authentication.setPrimaryUser")]
    [InlineData("api.session.revoke('why')", "api.session.revoke")]
    [InlineData("api.cache.set('k', 'v')", "api.cache.set")]
    [InlineData("api.prompt.render('form')", "api.prompt.render")]
    [InlineData("api.samlResponse.setAttribute('a', 'b')", "api.samlResponse.setAttribute")]
    public void Unsupported_api_calls_deny_with_an_error_naming_the_call(string call, string name)
    {
        using var pipeline = ActionPipeline.Action(call + ";");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Error.Should().Be("access_denied");
        outcome.Failure!.Message.Should().Contain($"{name} is not supported by this host");
    }

    [Fact]
    public void Catching_the_unsupported_call_error_still_denies()
    {
        using var pipeline = ActionPipeline.Action("""
              try { api.session.revoke('why'); } catch (e) { console.log('swallowed'); }
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Failure!.Message.Should().Contain("api.session.revoke is not supported by this host");
        outcome.Failure.Line.Should().Be(2, "the failure points at the call, in the author's file");
        outcome.Failure.SourceLine.Should().Contain("api.session.revoke('why')");
        outcome.Logs.Should().Contain("[action] swallowed");
    }

    [Fact]
    public void The_api_cannot_be_changed_by_an_action()
    {
        using var pipeline = ActionPipeline.Of(
            ("first", """
                exports.onExecutePostLogin = async (event, api) => {
                  try { api.access.deny = () => {}; } catch (e) {}
                  try { api.multifactor.enable = () => {}; } catch (e) {}
                };
                """),
            ("second", "exports.onExecutePostLogin = async (event, api) => { api.access.deny('still works'); };"));

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.ErrorDescription.Should().Be("still works");
    }
}
