using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Engine.Tests.Actions;

namespace Rules.Engine.Tests.Redirect;

/// <summary>context.redirect in Auth0 rules: the login is suspended after the rule that asked, and continues from the first rule.</summary>
public class RedirectRuleTests
{
    private const string TermsRule = """
        function (user, context, callback) {
          if (context.protocol === 'redirect-callback') {
            if (context.request.query.accepted !== 'yes') return callback(new UnauthorizedError('terms not accepted'));
            context.idToken['https://example.com/terms'] = context.request.query.accepted;
            return callback(null, user, context);
          }
          context.redirect = { url: 'https://terms.example.com/accept' };
          callback(null, user, context);
        }
        """;

    private const string LaterRule = """
        function (user, context, callback) { console.log('later rule ran'); context.idToken['https://example.com/later'] = true; callback(null, user, context); }
        """;

    [Fact]
    public void A_redirect_suspends_the_login_after_that_rule_and_later_rules_do_not_run()
    {
        using var pipeline = PipelineFactory.Create(TermsRule, LaterRule);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Redirect);
        outcome.IsAllowed.Should().BeFalse();
        outcome.Rule.Should().Be("rule1");
        outcome.Redirect!.Url.Should().Be("https://terms.example.com/accept");
        outcome.Redirect.State.Should().MatchRegex("^[A-Za-z0-9_-]{43}$");
        outcome.Logs.Should().NotContain(l => l.Contains("later rule ran"));
        outcome.Timings.Rules.Select(t => t.Rule).Should().Equal("rule1");
    }

    [Fact]
    public void Each_redirect_gets_its_own_state()
    {
        using var pipeline = PipelineFactory.Create(TermsRule);

        var first = pipeline.Execute(PipelineFactory.Login());
        var second = pipeline.Execute(PipelineFactory.Login());

        first.Redirect!.State.Should().NotBe(second.Redirect!.State);
    }

    [Fact]
    public void The_outcome_json_names_the_decision_rule_and_url_but_never_the_state()
    {
        using var pipeline = PipelineFactory.Create(TermsRule);

        var outcome = pipeline.Execute(PipelineFactory.Login());
        var json = OutcomeJson.ToJsonObject(outcome);

        json["decision"]!.GetValue<string>().Should().Be("redirect");
        json["rule"]!.GetValue<string>().Should().Be("rule1");
        json["url"]!.GetValue<string>().Should().Be("https://terms.example.com/accept");
        json.ToJsonString().Should().NotContain(outcome.Redirect!.State);
        json.ContainsKey("kind").Should().BeFalse();
    }

    [Fact]
    public void The_continue_runs_every_rule_again_with_the_redirect_callback_protocol_and_the_continue_query()
    {
        using var pipeline = PipelineFactory.Create(TermsRule, LaterRule);
        var login = PipelineFactory.Login();
        var redirected = pipeline.Execute(login);

        var (transaction, options) = RedirectContinuation.Build(pipeline.RuleSet, login, OutcomeJson.ToJsonObject(redirected),
            new JsonObject { ["state"] = redirected.Redirect!.State, ["accepted"] = "yes" }, [], null);
        var outcome = pipeline.Execute(transaction, options);

        outcome.Decision.Should().Be(Decision.Allow);
        outcome.IdToken["https://example.com/terms"]!.GetValue<string>().Should().Be("yes");
        outcome.IdToken["https://example.com/later"]!.GetValue<bool>().Should().BeTrue();
        outcome.Timings.Rules.Select(t => t.Rule).Should().Equal("rule1", "rule2");
    }

    [Fact]
    public void The_continue_can_still_deny()
    {
        using var pipeline = PipelineFactory.Create(TermsRule, LaterRule);
        var login = PipelineFactory.Login();
        var redirected = pipeline.Execute(login);

        var (transaction, options) = RedirectContinuation.Build(pipeline.RuleSet, login, OutcomeJson.ToJsonObject(redirected),
            new JsonObject { ["accepted"] = "no" }, [], null);
        var outcome = pipeline.Execute(transaction, options);

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Error.Should().Be("unauthorized");
        outcome.ErrorDescription.Should().Be("terms not accepted");
    }

    [Theory]
    [InlineData("/accept", "not absolute")]
    [InlineData("accept.html", "not absolute")]
    [InlineData("//evil.example.com/x", "not absolute")]
    [InlineData("http://terms.example.com/accept", "uses http")]
    [InlineData("javascript:alert(1)", "not absolute")]
    [InlineData("ftp://terms.example.com/accept", "scheme 'ftp'")]
    [InlineData("https://user:pw@terms.example.com/", "user name or password")]
    [InlineData("https://terms.example.com/a b", "spaces")]
    [InlineData("", "empty")]
    public void A_redirect_url_that_is_not_absolute_https_denies_as_a_rule_error(string url, string why)
    {
        using var pipeline = PipelineFactory.Create($$"""
            function (user, context, callback) { context.redirect = { url: {{System.Text.Json.JsonSerializer.Serialize(url)}} }; callback(null, user, context); }
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Rule.Should().Be("rule1");
        outcome.Redirect.Should().BeNull();
        outcome.Failure!.Message.Should().Contain(why);
    }

    [Theory]
    [InlineData("context.redirect = 'https://x.example.com/'")]
    [InlineData("context.redirect = { href: 'https://x.example.com/' }")]
    [InlineData("context.redirect = { url: 42 }")]
    public void A_redirect_that_is_not_an_object_with_a_url_denies(string assignment)
    {
        using var pipeline = PipelineFactory.Create($$"""function (user, context, callback) { {{assignment}}; callback(null, user, context); }""");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.Message.Should().Contain("context.redirect must be { url");
    }

    [Theory]
    [InlineData("http://localhost:5000/terms")]
    [InlineData("http://127.0.0.1:5000/terms")]
    [InlineData("https://terms.example.com/accept?lang=en#top")]
    public void Https_anywhere_and_http_to_this_machine_are_followed(string url)
    {
        using var pipeline = PipelineFactory.Create($$"""
            function (user, context, callback) { context.redirect = { url: '{{url}}' }; callback(null, user, context); }
            """);

        pipeline.Execute(PipelineFactory.Login()).Redirect!.Url.Should().Be(url);
    }

    [Fact]
    public void A_rule_that_sets_a_redirect_and_denies_is_denied()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) { context.redirect = { url: 'https://x.example.com/' }; callback(new Error('no')); }
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Redirect.Should().BeNull();
    }

    [Fact]
    public void An_impersonated_login_can_be_redirected_and_keeps_its_markers_on_continue()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              if (!user.impersonated) return callback(null, user, context);
              if (context.protocol !== 'redirect-callback') {
                context.redirect = { url: 'https://support.example.com/ticket' };
                return callback(null, user, context);
              }
              context.idToken['https://example.com/ticket'] = context.request.query.ticket;
              callback(null, user, context);
            }
            """);
        var login = PipelineFactory.Impersonated();

        var redirected = pipeline.Execute(login);
        redirected.Decision.Should().Be(Decision.Redirect);
        redirected.User["impersonated"]!.GetValue<bool>().Should().BeTrue();

        var (transaction, options) = RedirectContinuation.Build(pipeline.RuleSet, login, OutcomeJson.ToJsonObject(redirected),
            new JsonObject { ["ticket"] = "SUP-1234" }, [], null);
        var outcome = pipeline.Execute(transaction, options);

        outcome.Decision.Should().Be(Decision.Allow);
        outcome.IdToken["https://example.com/ticket"]!.GetValue<string>().Should().Be("SUP-1234");
        outcome.User["impersonator"]!["user_id"]!.GetValue<string>().Should().Be("auth0|support");
    }

    [Fact]
    public void Logins_that_never_redirect_are_unchanged()
    {
        using var pipeline = PipelineFactory.Create(LaterRule);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Allow);
        outcome.Redirect.Should().BeNull();
        OutcomeJson.ToJsonObject(outcome).ContainsKey("url").Should().BeFalse();
    }
}
