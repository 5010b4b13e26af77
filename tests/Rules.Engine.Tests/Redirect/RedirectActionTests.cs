using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Rules.Engine.Pipeline;
using Rules.Engine.Tests.Actions;

namespace Rules.Engine.Tests.Redirect;

/// <summary>api.redirect in Actions-style files: sendUserTo, onContinuePostLogin in Auth0's order, encodeToken / validateToken.</summary>
public class RedirectActionTests
{
    private const string Secret = "a-secret-of-at-least-thirty-two-bytes!!";

    private const string Before = """
        exports.onExecutePostLogin = async (event, api) => { console.log('before ran'); api.idToken.setCustomClaim('https://example.com/before', 1); api.user.setAppMetadata('seen', true); };
        """;

    private const string Redirecting = """
        exports.onExecutePostLogin = async (event, api) => {
          api.redirect.sendUserTo('https://forms.example.com/profile', { query: { lang: 'en', n: 2 } });
          api.idToken.setCustomClaim('https://example.com/asked', true);
        };
        exports.onContinuePostLogin = async (event, api) => {
          console.log('continue ran with ' + event.request.query.answer);
          api.idToken.setCustomClaim('https://example.com/answer', event.request.query.answer);
        };
        """;

    private const string After = """
        exports.onExecutePostLogin = async (event, api) => { console.log('after ran'); api.idToken.setCustomClaim('https://example.com/after', event.transaction.protocol); };
        """;

    private static (LoginTransaction, ExecutionOptions) Continue(RulePipeline pipeline, LoginTransaction login, Outcome redirected, JsonObject query, JsonObject? body = null) =>
        RedirectContinuation.Build(pipeline.RuleSet, login, OutcomeJson.ToJsonObject(redirected), query, body ?? [], null);

    [Fact]
    public void SendUserTo_suspends_after_the_action_finishes_with_the_query_added()
    {
        using var pipeline = ActionPipeline.Of(("before", Before), ("redirecting", Redirecting), ("after", After));

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Redirect);
        outcome.Rule.Should().Be("redirecting");
        outcome.Redirect!.Url.Should().Be("https://forms.example.com/profile?lang=en&n=2");
        // The action finished: what it did after sendUserTo counts, and the next action did not run.
        outcome.IdToken["https://example.com/asked"]!.GetValue<bool>().Should().BeTrue();
        outcome.Logs.Should().NotContain(l => l.Contains("after ran"));
    }

    [Fact]
    public void The_continue_calls_onContinuePostLogin_of_the_action_that_redirected_then_the_actions_after_it()
    {
        using var pipeline = ActionPipeline.Of(("before", Before), ("redirecting", Redirecting), ("after", After));
        var login = PipelineFactory.Login();
        var redirected = pipeline.Execute(login);

        var (transaction, options) = Continue(pipeline, login, redirected, new JsonObject { ["answer"] = "42" });
        var outcome = pipeline.Execute(transaction, options);

        outcome.Decision.Should().Be(Decision.Allow);
        outcome.Timings.Rules.Select(t => t.Rule).Should().Equal("redirecting", "after");
        outcome.Logs.Should().NotContain(l => l.Contains("before ran"));
        outcome.Logs.Should().Contain("[redirecting] continue ran with 42");
        // What the actions before the redirect (and the redirecting one) did stands.
        outcome.IdToken["https://example.com/before"]!.GetValue<double>().Should().Be(1);
        outcome.IdToken["https://example.com/asked"]!.GetValue<bool>().Should().BeTrue();
        outcome.IdToken["https://example.com/answer"]!.GetValue<string>().Should().Be("42");
        outcome.IdToken["https://example.com/after"]!.GetValue<string>().Should().Be("redirect-callback");
        outcome.MetadataUpdates.Should().ContainSingle(u => u.Rule == "before");
    }

    [Fact]
    public void An_action_that_redirects_without_onContinuePostLogin_fails_closed_on_continue()
    {
        using var pipeline = ActionPipeline.Action("api.redirect.sendUserTo('https://forms.example.com/');");
        var login = PipelineFactory.Login();
        var redirected = pipeline.Execute(login);

        var (transaction, options) = Continue(pipeline, login, redirected, []);
        var outcome = pipeline.Execute(transaction, options);

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.Message.Should().Contain("onContinuePostLogin is not a function");
    }

    [Fact]
    public void SendUserTo_with_a_relative_or_http_url_denies()
    {
        foreach (var url in new[] { "/profile", "http://forms.example.com/" })
        {
            using var pipeline = ActionPipeline.Action($"api.redirect.sendUserTo('{url}');");
            var outcome = pipeline.Execute(PipelineFactory.Login());
            outcome.Kind.Should().Be(DenialKind.RuleError, url);
            outcome.Failure!.Message.Should().Contain("cannot be followed");
        }
    }

    [Fact]
    public void Deny_after_sendUserTo_wins()
    {
        using var pipeline = ActionPipeline.Action("api.redirect.sendUserTo('https://forms.example.com/'); api.access.deny('no');");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.ErrorDescription.Should().Be("no");
    }

    [Fact]
    public async Task EncodeToken_makes_an_HS256_jwt_with_auth0s_claims_and_the_redirect_state()
    {
        using var pipeline = ActionPipeline.Action($$"""
            const token = api.redirect.encodeToken({ secret: '{{Secret}}', expiresInSeconds: 60, payload: { email: event.user.email } });
            api.redirect.sendUserTo('https://forms.example.com/', { query: { session_token: token } });
            """);
        var now = DateTimeOffset.Parse("2026-12-01T10:00:00Z");
        var login = PipelineFactory.Login(contextJson: """{ "clientID": "app2", "request": { "ip": "203.0.113.9", "hostname": "login.example.com" } }""", now: now);

        var outcome = pipeline.Execute(login);

        var token = new Uri(outcome.Redirect!.Url).Query.Split("session_token=")[1];
        var handler = new JsonWebTokenHandler();
        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret)),
            ValidateAudience = false,
            ValidIssuer = "login.example.com",
            ValidateLifetime = false,
        });
        result.IsValid.Should().BeTrue(result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        jwt.Alg.Should().Be("HS256");
        jwt.Subject.Should().Be("auth0|alice");
        jwt.GetClaim("ip").Value.Should().Be("203.0.113.9");
        jwt.GetClaim("email").Value.Should().Be("alice@example.com");
        jwt.GetClaim("state").Value.Should().Be(outcome.Redirect.State);
        jwt.GetPayloadValue<long>("iat").Should().Be(now.ToUnixTimeSeconds());
        jwt.GetPayloadValue<long>("exp").Should().Be(now.ToUnixTimeSeconds() + 60);
    }

    [Fact]
    public void EncodeToken_refuses_a_short_secret()
    {
        using var pipeline = ActionPipeline.Action("api.redirect.encodeToken({ secret: 'short', payload: {} });");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.Message.Should().Contain("at least 32 bytes");
    }

    private const string Validating = $$"""
        exports.onExecutePostLogin = async (event, api) => { api.redirect.sendUserTo('https://forms.example.com/'); };
        exports.onContinuePostLogin = async (event, api) => {
          const payload = api.redirect.validateToken({ secret: '{{Secret}}', tokenParameterName: 'result' });
          api.idToken.setCustomClaim('https://example.com/ticket', payload.ticket);
        };
        """;

    private static string Sign(string secret, JsonObject claims) =>
        new JsonWebTokenHandler().CreateToken(claims.ToJsonString(), new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256));

    private static Outcome ContinueWithToken(Func<string, string> token, bool inBody = false)
    {
        using var pipeline = ActionPipeline.Of(("validating", Validating));
        var now = DateTimeOffset.Parse("2026-12-01T10:00:00Z");
        var login = PipelineFactory.Login(now: now);
        var redirected = pipeline.Execute(login);
        var state = redirected.Redirect!.State;
        var parameters = new JsonObject { ["state"] = state, ["result"] = token(state) };
        var (transaction, options) = inBody
            ? Continue(pipeline, login, redirected, new JsonObject { ["state"] = state }, parameters)
            : Continue(pipeline, login, redirected, parameters);
        return pipeline.Execute(transaction, options);
    }

    private static readonly long Exp = DateTimeOffset.Parse("2026-12-01T10:05:00Z").ToUnixTimeSeconds();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ValidateToken_returns_the_payload_of_a_token_signed_with_the_secret_for_this_state(bool inBody)
    {
        var outcome = ContinueWithToken(state => Sign(Secret, new JsonObject { ["state"] = state, ["ticket"] = "SUP-1", ["exp"] = Exp }), inBody);

        outcome.Decision.Should().Be(Decision.Allow, outcome.Failure?.Message);
        outcome.IdToken["https://example.com/ticket"]!.GetValue<string>().Should().Be("SUP-1");
    }

    [Fact]
    public void ValidateToken_refuses_another_secret()
    {
        var outcome = ContinueWithToken(state => Sign("another-secret-of-at-least-32-bytes!!!", new JsonObject { ["state"] = state, ["exp"] = Exp }));

        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.Message.Should().Contain("signature");
    }

    [Fact]
    public void ValidateToken_refuses_another_state()
    {
        var outcome = ContinueWithToken(_ => Sign(Secret, new JsonObject { ["state"] = "someone-elses", ["exp"] = Exp }));

        outcome.Failure!.Message.Should().Contain("state in the token does not match");
    }

    [Fact]
    public void ValidateToken_refuses_an_expired_token_or_one_without_expiry()
    {
        ContinueWithToken(state => Sign(Secret, new JsonObject { ["state"] = state, ["exp"] = Exp - 600 }))
            .Failure!.Message.Should().Contain("expired");
        ContinueWithToken(state => Sign(Secret, new JsonObject { ["state"] = state }))
            .Failure!.Message.Should().Contain("expired");
    }

    [Fact]
    public void ValidateToken_refuses_an_unsigned_token()
    {
        var outcome = ContinueWithToken(state =>
            Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + Base64UrlEncoder.Encode($$"""{"state":"{{state}}","exp":{{Exp}}}""") + ".");

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.RuleError);
    }
}
