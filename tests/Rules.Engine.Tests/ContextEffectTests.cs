using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests;

/// <summary>
/// Every effect a rule can ask for through <c>context</c> is either carried out or refused (the login denied), never
/// ignored: a rule that turns on MFA must not let the login through without MFA because nothing here reads the field.
/// </summary>
public sealed class ContextEffectTests
{
    /// <summary>
    /// The fields Auth0 documented as changing the login when a rule sets them (auth0.com/docs/customize/rules/context-object),
    /// written out here independently of <see cref="ContextEffects"/> so that dropping a row there fails this test.
    /// </summary>
    public static TheoryData<string, string> DocumentedEffects => new()
    {
        { "idToken", "context.idToken['https://example.com/plan'] = 'gold';" },
        { "accessToken", "context.accessToken['https://example.com/plan'] = 'gold';" },
        { "multifactor", "context.multifactor = { provider: 'any', allowRememberBrowser: false };" },
        { "redirect", "context.redirect = { url: 'https://example.com/terms' };" },
        { "samlConfiguration", "context.samlConfiguration = { mappings: { 'http://schemas.example.com/plan': 'app_metadata.plan' } };" },
        { "primaryUser", "context.primaryUser = 'auth0|primary';" },
        { "jwtConfiguration", "context.jwtConfiguration = { lifetimeInSeconds: 300 };" },
    };

    [Theory]
    [MemberData(nameof(DocumentedEffects))]
    public void Every_documented_effect_is_carried_out_or_refused(string field, string statement)
    {
        var effect = ContextEffects.All.SingleOrDefault(e => e.Field == field);
        effect.Should().NotBeNull($"context.{field} is an effect Auth0 documented, so the table must say what happens to it");

        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { " + statement + " callback(null, user, context); }",
            "function (user, context, callback) { context.idToken['https://example.com/second'] = true; callback(null, user, context); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());

        if (field == "redirect")
        {
            effect!.Status.Should().Be(EffectStatus.CarriedOut);
            outcome.Decision.Should().Be(Decision.Redirect, "the login waits for /continue");
            outcome.Redirect!.Url.Should().Be("https://example.com/terms");
            outcome.Timings.Rules.Should().HaveCount(1, "no rule runs after one that redirected, until the continue");
        }
        else if (effect!.Status == EffectStatus.CarriedOut && field == "multifactor")
        {
            outcome.Decision.Should().Be(Decision.Allow);
            outcome.Mfa.Should().Be(new MultifactorRequest("any", false), "context.multifactor is carried out as a challenge by the host");
        }
        else if (effect.Status == EffectStatus.CarriedOut)
        {
            outcome.Decision.Should().Be(Decision.Allow);
            var claims = field == "idToken" ? outcome.IdToken : outcome.AccessToken;
            claims["https://example.com/plan"]!.GetValue<string>().Should().Be("gold", $"context.{field} is carried out into the token");
        }
        else
        {
            outcome.Decision.Should().Be(Decision.Deny);
            outcome.Kind.Should().Be(DenialKind.RuleError);
            outcome.Rule.Should().Be("rule1");
            outcome.ErrorDescription.Should().Contain($"context.{field}").And.Contain("rule1");
            outcome.Failure!.Message.Should().Contain($"context.{field}").And.Contain("rule 'rule1'");
            (outcome.Failure.Line, outcome.Failure.Column).Should().Be((1, 38), "the failure points at the assignment");
            outcome.Timings.Rules.Should().HaveCount(1, "no rule runs after one that asked for what cannot be done");
        }
    }

    [Fact]
    public void The_table_lists_no_field_twice_and_explains_every_refusal()
    {
        ContextEffects.All.Select(e => e.Field).Should().OnlyHaveUniqueItems();
        ContextEffects.Refused.Should().OnlyContain(e => !string.IsNullOrWhiteSpace(e.Why));
    }

    [Theory]
    [InlineData("context.primaryUser = 'auth0|p'; delete context.primaryUser;", Decision.Allow)]
    [InlineData("context.primaryUser = null;", Decision.Allow)]
    [InlineData("context.primaryUser = undefined;", Decision.Allow)]
    [InlineData("context.redirect = false;", Decision.Deny)]
    [InlineData("context['primary' + 'User'] = 'auth0|p';", Decision.Deny)]
    [InlineData("Object.defineProperty(context, 'primaryUser', { get: function () { return undefined; }, enumerable: true });", Decision.Deny)]
    [InlineData("Object.defineProperty(context, 'primaryUser', { value: 'auth0|p', enumerable: false });", Decision.Deny)]
    public void What_counts_as_asking(string statement, Decision expected)
    {
        using var pipeline = PipelineFactory.Create("function (user, context, callback) { " + statement + " callback(null, user, context); }");
        pipeline.Execute(PipelineFactory.Login()).Decision.Should().Be(expected);
    }

    [Fact]
    public void A_later_rule_cannot_hide_what_an_earlier_one_asked_for()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { context.primaryUser = 'auth0|p'; callback(null, user, context); }",
            "function (user, context, callback) { delete context.primaryUser; callback(null, user, context); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Rule.Should().Be("rule1");
    }

    [Fact]
    public void Passing_a_different_context_to_callback_still_counts()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { var next = Object.assign({}, context, { primaryUser: 'auth0|primary' }); callback(null, user, next); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Failure!.Message.Should().Contain("context.primaryUser");
    }

    [Fact]
    public void Setting_it_on_the_context_received_counts_even_when_another_is_passed_on()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { context.primaryUser = 'auth0|p'; callback(null, user, { idToken: {}, accessToken: {} }); }");
        pipeline.Execute(PipelineFactory.Login()).Decision.Should().Be(Decision.Deny);
    }

    [Fact]
    public void A_field_the_transaction_brings_in_is_refused_only_when_a_rule_changes_it()
    {
        const string context = """{ "clientID": "app2", "samlConfiguration": { "mappings": { "a": "b" } } }""";
        using var untouched = PipelineFactory.Create("function (user, context, callback) { callback(null, user, context); }");
        untouched.Execute(PipelineFactory.Login(contextJson: context)).Decision.Should().Be(Decision.Allow);

        using var mapping = PipelineFactory.Create(
            "function (user, context, callback) { context.samlConfiguration.mappings['http://schemas.example.com/plan'] = 'app_metadata.plan'; callback(null, user, context); }");
        var outcome = mapping.Execute(PipelineFactory.Login(contextJson: context));
        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Failure!.Message.Should().Contain("context.samlConfiguration");
    }

    [Fact]
    public void A_rule_that_denies_is_reported_as_its_own_denial_not_as_the_effect()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { context.primaryUser = 'auth0|p'; callback(new UnauthorizedError('no')); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Kind.Should().Be(DenialKind.RuleDenied);
        outcome.ErrorDescription.Should().Be("no");
    }

    [Fact]
    public void The_refusal_holds_on_every_login_of_a_warm_runtime()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { if (user.email === 'alice@example.com') { context.primaryUser = 'auth0|p'; } callback(null, user, context); }");
        for (var i = 0; i < 5; i++)
        {
            pipeline.Execute(PipelineFactory.Login()).Decision.Should().Be(Decision.Deny);
            pipeline.Execute(PipelineFactory.Login("""{ "user_id": "auth0|bob", "email": "bob@example.com" }""")).Decision.Should().Be(Decision.Allow);
        }
    }
}
