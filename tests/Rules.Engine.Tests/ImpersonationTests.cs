using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests;

public class ImpersonationTests
{
    [Fact]
    public void Rules_see_the_impersonation_markers()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              if (user.impersonated === true && user.impersonator.user_id === 'auth0|support') {
                context.idToken['https://example.com/by'] = user.impersonator.email;
              }
              callback(null, user, context);
            }
            """);
        var outcome = pipeline.Execute(PipelineFactory.Impersonated());
        outcome.IdToken["https://example.com/by"]!.GetValue<string>().Should().Be("support@example.com");
    }

    [Theory]
    [InlineData("""{ "user_id": "auth0|alice", "impersonated": true }""")]
    [InlineData("""{ "user_id": "auth0|alice", "impersonated": true, "impersonator": "auth0|support" }""")]
    public void An_impersonated_login_that_does_not_say_who_impersonates_is_denied_without_running_a_rule(string user)
    {
        using var pipeline = PipelineFactory.Create("function (user, context, callback) { callback(null, user, context); }");

        var outcome = pipeline.Execute(PipelineFactory.Login(user));

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.Message.Should().Contain("user.impersonator");
        outcome.Timings.Rules.Should().BeEmpty();
    }

    [Theory]
    [InlineData("user.impersonated = false; user.impersonator = { user_id: 'auth0|nobody' };")]
    [InlineData("user.impersonator.user_id = 'auth0|nobody'; user.impersonator.email = 'x@example.com';")]
    [InlineData("delete user.impersonated; delete user.impersonator;")]
    [InlineData("try { Object.defineProperty(user, 'impersonated', { value: false }); } catch (e) {} try { Object.defineProperty(user.impersonator, 'user_id', { value: 'x' }); } catch (e) {}")]
    [InlineData("'use strict'; try { user.impersonated = false; } catch (e) { context.idToken['https://example.com/threw'] = e.name; }")]
    public void A_rule_cannot_change_or_remove_them(string tamper)
    {
        using var pipeline = PipelineFactory.Create(
            $"function (user, context, callback) {{ {tamper} callback(null, user, context); }}",
            """
            function (user, context, callback) {
              context.idToken['https://example.com/seen'] = JSON.stringify({ i: user.impersonated, by: user.impersonator });
              callback(null, user, context);
            }
            """);
        var outcome = pipeline.Execute(PipelineFactory.Impersonated());
        outcome.Decision.Should().Be(Decision.Allow);
        outcome.IdToken["https://example.com/seen"]!.GetValue<string>()
            .Should().Be("""{"i":true,"by":{"user_id":"auth0|support","email":"support@example.com"}}""");
        outcome.User["impersonated"]!.GetValue<bool>().Should().BeTrue();
        outcome.User["impersonator"]!["user_id"]!.GetValue<string>().Should().Be("auth0|support");
    }

    [Fact]
    public void A_replacement_user_object_still_carries_the_original_markers()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { callback(null, { user_id: user.user_id, impersonated: false, impersonator: { user_id: 'evil' } }, context); }",
            "function (user, context, callback) { context.idToken['https://example.com/by'] = user.impersonator.user_id; callback(null, user, context); }");
        var outcome = pipeline.Execute(PipelineFactory.Impersonated());
        outcome.Decision.Should().Be(Decision.Allow);
        outcome.IdToken["https://example.com/by"]!.GetValue<string>().Should().Be("auth0|support");
        outcome.User["impersonator"]!["user_id"]!.GetValue<string>().Should().Be("auth0|support");
    }

    [Fact]
    public void A_rule_cannot_make_an_ordinary_login_look_impersonated()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { user.impersonated = true; user.impersonator = { user_id: 'auth0|fake' }; callback(null, user, context); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.User.ContainsKey("impersonated").Should().BeFalse();
        outcome.User.ContainsKey("impersonator").Should().BeFalse();
    }

    [Fact]
    public void Markers_in_an_ordinary_transaction_are_not_shown_to_rules()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { context.idToken['https://example.com/has'] = ('impersonated' in user) || ('impersonator' in user); callback(null, user, context); }");
        var outcome = pipeline.Execute(PipelineFactory.Login("""{ "user_id": "auth0|a", "impersonated": false, "impersonator": { "user_id": "x" } }"""));
        outcome.IdToken["https://example.com/has"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void Impersonation_claims_are_reserved()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { context.idToken.impersonated = false; context.idToken.impersonator = 'me'; context.accessToken.act = { sub: 'x' }; callback(null, user, context); }");
        var outcome = pipeline.Execute(PipelineFactory.Impersonated());
        outcome.IdToken.Should().BeEmpty();
        outcome.AccessToken.Should().BeEmpty();
        outcome.DroppedClaims.Select(d => (d.Token, d.Claim)).Should().BeEquivalentTo(
            [("idToken", "impersonated"), ("idToken", "impersonator"), ("accessToken", "act")]);
    }
}
