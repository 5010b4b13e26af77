using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests;

/// <summary>auth0.domain, auth0.baseUrl and auth0.accessToken: the host's values through ExecutionOptions, the token made lazily.</summary>
public class Auth0GlobalsTests
{
    private const string ReadsEverything = """
        function (user, context, callback) {
          context.idToken['https://example.com/domain'] = auth0.domain;
          context.idToken['https://example.com/baseUrl'] = auth0.baseUrl;
          context.idToken['https://example.com/token'] = typeof auth0.accessToken === 'string' && auth0.accessToken === auth0.accessToken;
          callback(null, user, context);
        }
        """;

    [Fact]
    public void A_rule_reads_the_hosts_values_and_the_token_is_made_once_on_first_read()
    {
        using var pipeline = PipelineFactory.Create(ReadsEverything);
        var made = 0;
        var globals = new Auth0Globals("login.example.com", "https://login.example.com/api/v2", () => { made++; return "eyJ.token.sig"; });

        var outcome = pipeline.Execute(PipelineFactory.Login(), new ExecutionOptions { Auth0 = globals });

        outcome.IsAllowed.Should().BeTrue(outcome.ErrorDescription);
        outcome.IdToken.ToJsonString().Should().Be(
            """{"https://example.com/domain":"login.example.com","https://example.com/baseUrl":"https://login.example.com/api/v2","https://example.com/token":true}""");
        made.Should().Be(1);
    }

    [Fact]
    public void No_token_is_made_for_a_login_whose_rules_never_read_it()
    {
        using var pipeline = PipelineFactory.Create("function (user, context, callback) { context.idToken['https://example.com/d'] = auth0.domain; callback(null, user, context); }");
        var made = 0;
        pipeline.Execute(PipelineFactory.Login(), new ExecutionOptions { Auth0 = new Auth0Globals("d", "b", () => { made++; return "t"; }) }).IsAllowed.Should().BeTrue();
        made.Should().Be(0);
    }

    [Fact]
    public void Without_the_host_the_values_are_undefined_and_the_next_login_does_not_see_the_previous_ones()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              context.idToken['https://example.com/seen'] = [typeof auth0.domain, typeof auth0.baseUrl, typeof auth0.accessToken].join(',');
              callback(null, user, context);
            }
            """);
        pipeline.Execute(PipelineFactory.Login(), new ExecutionOptions { Auth0 = new Auth0Globals("d", "b", () => "t") })
            .IdToken["https://example.com/seen"]!.GetValue<string>().Should().Be("string,string,string");
        pipeline.Execute(PipelineFactory.Login())
            .IdToken["https://example.com/seen"]!.GetValue<string>().Should().Be("undefined,undefined,undefined");
    }

    [Fact]
    public void A_rule_cannot_replace_the_values_and_a_logged_token_is_redacted()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              'use strict';
              console.log('token is ' + auth0.accessToken);
              try { auth0.accessToken = 'forged'; } catch (e) { console.log('refused: ' + e.constructor.name); }
              context.idToken['https://example.com/same'] = auth0.accessToken !== 'forged';
              callback(null, user, context);
            }
            """);
        var outcome = pipeline.Execute(PipelineFactory.Login(), new ExecutionOptions { Auth0 = new Auth0Globals("d", "b", () => "secret-management-token") });

        outcome.IdToken["https://example.com/same"]!.GetValue<bool>().Should().BeTrue();
        outcome.Logs.Should().Contain(l => l.EndsWith("token is [auth0.accessToken]")).And.Contain(l => l.EndsWith("refused: TypeError"));
        string.Join("\n", outcome.Logs).Should().NotContain("secret-management-token");
    }
}
