using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Engine.Tests.Actions;

namespace Rules.Engine.Tests.Multifactor;

public sealed class MultifactorRequestTests
{
    [Fact]
    public void A_rule_that_sets_context_multifactor_puts_it_in_the_outcome()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              context.multifactor = { provider: 'any', allowRememberBrowser: true };
              callback(null, user, context);
            }
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.IsAllowed.Should().BeTrue();
        outcome.Mfa.Should().Be(new MultifactorRequest("any", true));
        OutcomeJson.ToJsonObject(outcome)["mfa"]!.ToJsonString().Should().Be("""{"provider":"any","allowRememberBrowser":true}""");
    }

    [Fact]
    public void Without_a_request_the_outcome_has_no_mfa_field()
    {
        using var pipeline = PipelineFactory.Create("function (user, context, callback) { callback(null, user, context); }");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Mfa.Should().BeNull();
        OutcomeJson.ToJsonObject(outcome).ContainsKey("mfa").Should().BeFalse();
    }

    [Theory]
    [InlineData("{ provider: 'google-authenticator' }", "google-authenticator", false)]
    [InlineData("{ provider: 'guardian', allowRememberBrowser: false }", "guardian", false)]
    [InlineData("{ allowRememberBrowser: 'yes' }", "any", false)]
    public void Totp_equivalent_providers_are_challenged_and_remember_browser_needs_true(string value, string provider, bool remember)
    {
        using var pipeline = PipelineFactory.Create($$"""
            function (user, context, callback) { context.multifactor = {{value}}; callback(null, user, context); }
            """);

        pipeline.Execute(PipelineFactory.Login()).Mfa.Should().Be(new MultifactorRequest(provider, remember));
    }

    [Theory]
    [InlineData("duo")]
    [InlineData("sms")]
    [InlineData("ANY")]
    public void An_unknown_provider_fails_closed_naming_the_provider_and_the_rule(string provider)
    {
        using var pipeline = PipelineFactory.Create(
            $$"""function (user, context, callback) { context.multifactor = { provider: '{{provider}}' }; callback(null, user, context); }""",
            "function (user, context, callback) { context.multifactor = { provider: 'any' }; callback(null, user, context); }");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Rule.Should().Be("rule1", "the rule that asked for the provider is the one named, even if a later rule would change it");
        outcome.Failure!.Message.Should().Contain($"provider '{provider}' is not available on this host");
        outcome.Mfa.Should().BeNull();
    }

    [Theory]
    [InlineData("context.multifactor = 'any';")]
    [InlineData("context.multifactor = { provider: 42 };")]
    [InlineData("Object.defineProperty(context, 'multifactor', { get() { return { provider: 'any' }; }, enumerable: true });")]
    public void A_malformed_request_fails_closed(string statement)
    {
        using var pipeline = PipelineFactory.Create($$"""function (user, context, callback) { {{statement}} callback(null, user, context); }""");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.Message.Should().Contain("context.multifactor");
    }

    [Fact]
    public void Provider_none_and_a_later_rule_removing_the_request_mean_no_challenge()
    {
        using var none = PipelineFactory.Create(
            "function (user, context, callback) { context.multifactor = { provider: 'any' }; callback(null, user, context); }",
            "function (user, context, callback) { context.multifactor = { provider: 'none' }; callback(null, user, context); }");
        none.Execute(PipelineFactory.Login()).Mfa.Should().BeNull();

        using var removed = PipelineFactory.Create(
            "function (user, context, callback) { context.multifactor = { provider: 'any' }; callback(null, user, context); }",
            "function (user, context, callback) { delete context.multifactor; callback(null, user, context); }");
        removed.Execute(PipelineFactory.Login()).Mfa.Should().BeNull();
    }

    [Fact]
    public void The_request_does_not_leak_into_the_next_login_on_a_warm_runtime()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              if (user.email === 'admin@example.com') context.multifactor = { provider: 'any' };
              callback(null, user, context);
            }
            """);

        pipeline.Execute(PipelineFactory.Login("""{ "user_id": "auth0|a", "email": "admin@example.com" }""")).Mfa.Should().NotBeNull();
        pipeline.Execute(PipelineFactory.Login()).Mfa.Should().BeNull();
    }

    [Fact]
    public void A_denied_login_carries_no_mfa()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) { context.multifactor = { provider: 'any' }; callback(new UnauthorizedError('no')); }
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Mfa.Should().BeNull();
    }

    [Fact]
    public void An_action_enables_mfa_with_allow_remember_browser()
    {
        using var pipeline = ActionPipeline.Action("api.multifactor.enable('any', { allowRememberBrowser: true });");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.IsAllowed.Should().BeTrue();
        outcome.Mfa.Should().Be(new MultifactorRequest("any", true));
    }

    [Fact]
    public void An_action_asking_for_an_unknown_provider_is_denied_even_if_it_catches_errors()
    {
        using var pipeline = ActionPipeline.Action("try { api.multifactor.enable('duo'); } catch (e) { }");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.Message.Should().Contain("provider 'duo'");
    }

    [Fact]
    public void An_action_must_name_a_provider()
    {
        using var pipeline = ActionPipeline.Action("api.multifactor.enable();");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Failure!.Message.Should().Contain("provider must be a non-empty string");
    }

    [Fact]
    public void Rules_see_the_completed_challenge_in_authentication_methods()
    {
        // The host adds { name: 'mfa' } after a challenge; the common Auth0 pattern skips asking again.
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              const done = (context.authentication.methods || []).some((m) => m.name === 'mfa');
              if (!done) context.multifactor = { provider: 'any' };
              callback(null, user, context);
            }
            """);

        var context = """{ "clientID": "app", "authentication": { "methods": [ { "name": "pwd", "timestamp": 1 }, { "name": "mfa", "timestamp": 2 } ] } }""";
        pipeline.Execute(PipelineFactory.Login(contextJson: context)).Mfa.Should().BeNull();
        pipeline.Execute(PipelineFactory.Login()).Mfa.Should().NotBeNull();
    }

    [Fact]
    public void Replay_calls_a_changed_mfa_requirement_a_decision_change()
    {
        var before = JsonNode.Parse("""{ "decision": "allow", "idToken": {}, "accessToken": {}, "metadataUpdates": [] }""")!.AsObject();
        var after = JsonNode.Parse("""{ "decision": "allow", "mfa": { "provider": "any", "allowRememberBrowser": false }, "idToken": {}, "accessToken": {}, "metadataUpdates": [] }""")!.AsObject();

        Rules.Engine.Replay.ReplayClassifier.Classify(before, after).Should().Be(Rules.Engine.Replay.ReplayClass.MfaChanged);
        Rules.Engine.Replay.ReplayClassifier.Classify(after, before).Should().Be(Rules.Engine.Replay.ReplayClass.MfaChanged);
        Rules.Engine.Replay.ReplayClassifier.Describe(after).Should().Be("allow with MFA (any)");
    }
}

public sealed class MultifactorTestCaseTests
{
    private const string StepUp = """
        function (user, context, callback) {
          if ((user.app_metadata || {}).admin) context.multifactor = { provider: 'any', allowRememberBrowser: false };
          callback(null, user, context);
        }
        """;

    [Fact]
    public void Test_cases_can_expect_mfa_and_its_absence()
    {
        var cases = Rules.Engine.Testing.TestCaseReader.Parse("""
            { "cases": [
              { "name": "admin", "user": { "user_id": "u", "app_metadata": { "admin": true } }, "expect": { "decision": "allow", "mfa": { "provider": "any", "allowRememberBrowser": false } } },
              { "name": "user", "user": { "user_id": "u" }, "expect": { "decision": "allow", "mfa": null } },
              { "name": "wrong", "user": { "user_id": "u" }, "expect": { "mfa": { "provider": "any", "allowRememberBrowser": false } } }
            ] }
            """, "step-up.json");

        var result = Rules.Engine.Testing.TestRunner.Run(Testing.TestRunnerTests.Compile(("step-up", StepUp)), cases);

        result.Cases.Select(c => c.Passed).Should().Equal(true, true, false);
        result.Cases[2].Mismatches.Should().ContainSingle().Which.Should().Contain("mfa: expected {\"provider\":\"any\"");
    }

    [Fact]
    public void An_mfa_expectation_must_be_an_object_or_null() =>
        FluentActions.Invoking(() => Rules.Engine.Testing.TestCaseReader.Parse(
                """{ "cases": [ { "name": "x", "expect": { "mfa": "any" } } ] }""", "t.json"))
            .Should().Throw<Rules.Engine.Testing.TestCaseFormatException>().WithMessage("*\"mfa\" must be an object*");
}
