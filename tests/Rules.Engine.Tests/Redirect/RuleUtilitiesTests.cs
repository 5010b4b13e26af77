using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Tests.Redirect;

/// <summary>
/// The @auth0/rule-utilities built-in, as Auth0's redirect templates use it: canRedirect decides, doRedirect suspends the
/// login with a signed session_token, and on the continue isRedirectCallback, queryParams and validateSessionToken read it back.
/// </summary>
public sealed class RuleUtilitiesTests
{
    private const string Secret = "a-session-token-secret-of-32-bytes!!";

    // The shape of Auth0's templates (onfido-idv, yoonik-face): redirect when possible, read the token on the way back.
    private const string VerifyRule = """
        function (user, context, callback) {
          const { Auth0RedirectRuleUtilities } = require('@auth0/rule-utilities@0.1.0');
          const ruleUtils = new Auth0RedirectRuleUtilities(user, context, configuration);
          if (ruleUtils.isRedirectCallback && ruleUtils.queryParams.session_token) {
            let payload;
            try { payload = ruleUtils.validateSessionToken(); } catch (e) { return callback(new UnauthorizedError(e.message)); }
            context.idToken['https://example.com/verified'] = payload.status;
            return callback(null, user, context);
          }
          if (ruleUtils.canRedirect) {
            ruleUtils.doRedirect(configuration.VERIFY_URL);
          }
          callback(null, user, context);
        }
        """;

    private static RulePipeline Pipeline(string rule, string? expiresIn = null)
    {
        var configuration = new Dictionary<string, string> { ["SESSION_TOKEN_SECRET"] = Secret, ["VERIFY_URL"] = "https://verify.example.com/start" };
        if (expiresIn is not null)
        {
            configuration["SESSION_TOKEN_EXPIRES_IN"] = expiresIn;
        }
        return PipelineFactory.Create(SandboxOptions.Default, configuration, new RuleSource("verify", "verify.js", rule));
    }

    private static LoginTransaction Login(string protocol = "oidc-basic-profile", string query = "{}", string extra = "") =>
        PipelineFactory.Login(contextJson: $$"""
            { "clientID": "app2", "protocol": "{{protocol}}", {{extra}}
              "request": { "ip": "203.0.113.7", "hostname": "login.example.com", "query": {{query}} } }
            """, now: DateTimeOffset.UtcNow);

    private static string SessionToken(Outcome outcome) =>
        new Uri(outcome.Redirect!.Url).Query.TrimStart('?').Split('&').Single(p => p.StartsWith("session_token=", StringComparison.Ordinal))["session_token=".Length..];

    [Fact]
    public async Task DoRedirect_suspends_the_login_with_an_hs256_session_token_for_this_user_ip_and_issuer()
    {
        using var pipeline = Pipeline(VerifyRule);

        var outcome = pipeline.Execute(Login());

        outcome.Decision.Should().Be(Decision.Redirect, outcome.Failure?.Message);
        outcome.Redirect!.Url.Should().StartWith("https://verify.example.com/start?session_token=");
        var validated = await new JsonWebTokenHandler().ValidateTokenAsync(SessionToken(outcome), new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(Secret)),
            ValidIssuer = "https://login.example.com/",
            ValidateAudience = false,
        });
        validated.IsValid.Should().BeTrue(validated.Exception?.Message);
        var token = (JsonWebToken)validated.SecurityToken;
        token.Alg.Should().Be("HS256");
        token.Subject.Should().Be("auth0|alice");
        token.GetClaim("ip").Value.Should().Be("203.0.113.7");
        (token.ValidTo - token.IssuedAt).Should().Be(TimeSpan.FromDays(3), "SESSION_TOKEN_EXPIRES_IN defaults to 3d");
    }

    [Fact]
    public void The_continue_reads_the_session_token_the_browser_brings_back()
    {
        using var pipeline = Pipeline("""
            function (user, context, callback) {
              const { Auth0RedirectRuleUtilities } = require('@auth0/rule-utilities');
              const ruleUtils = new Auth0RedirectRuleUtilities(user, context, configuration);
              if (ruleUtils.isRedirectCallback) {
                const payload = ruleUtils.validateSessionToken();
                context.idToken['https://example.com/verified'] = payload.status;
                return callback(null, user, context);
              }
              const token = ruleUtils.createSessionToken({ status: 'approved' });
              ruleUtils.doRedirect('https://verify.example.com/start', { sessionToken: token });
              callback(null, user, context);
            }
            """);
        var login = Login();
        var redirected = pipeline.Execute(login);
        redirected.Decision.Should().Be(Decision.Redirect, redirected.Failure?.Message);

        var (transaction, options) = RedirectContinuation.Build(pipeline.RuleSet, login, OutcomeJson.ToJsonObject(redirected),
            new JsonObject { ["state"] = redirected.Redirect!.State, ["session_token"] = SessionToken(redirected) }, [], null);
        var outcome = pipeline.Execute(transaction, options);

        outcome.Decision.Should().Be(Decision.Allow, outcome.Failure?.Message);
        outcome.IdToken["https://example.com/verified"]!.GetValue<string>().Should().Be("approved");
    }

    [Theory]
    [InlineData("someone-else")]
    [InlineData("tampered")]
    [InlineData("missing")]
    public void A_session_token_for_another_user_tampered_or_missing_is_refused(string how)
    {
        using var pipeline = Pipeline(VerifyRule);
        var token = how switch
        {
            "someone-else" => SessionToken(pipeline.Execute(PipelineFactory.Login(userJson: """{ "user_id": "auth0|mallory" }""",
                contextJson: """{ "protocol": "oidc-basic-profile", "request": { "ip": "203.0.113.9", "hostname": "login.example.com", "query": {} } }""", now: DateTimeOffset.UtcNow))),
            "tampered" => SessionToken(pipeline.Execute(Login())) + "x",
            _ => null,
        };
        var query = token is null ? """{ "other": "1" }""" : $$"""{ "session_token": "{{token}}" }""";

        var outcome = pipeline.Execute(Login("redirect-callback", query));

        if (how == "missing")
        {
            // Without a token the template's callback branch does not run, and a continue cannot redirect again.
            outcome.Decision.Should().Be(Decision.Allow);
            outcome.IdToken.ContainsKey("https://example.com/verified").Should().BeFalse();
            return;
        }
        outcome.Decision.Should().Be(Decision.Deny);
        outcome.ErrorDescription.Should().Be(how == "someone-else" ? "jwt subject invalid. expected: auth0|alice" : "invalid signature");
    }

    [Fact]
    public void An_expired_session_token_is_refused()
    {
        using var pipeline = Pipeline(VerifyRule, expiresIn: "-10s");
        var token = SessionToken(pipeline.Execute(Login()));

        var outcome = pipeline.Execute(Login("redirect-callback", $$"""{ "session_token": "{{token}}" }"""));

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.ErrorDescription.Should().Be("jwt expired");
    }

    [Theory]
    [InlineData("oauth2-resource-owner", "{}", "")]
    [InlineData("oauth2-refresh-token", "{}", "")]
    [InlineData("oauth2-password", "{}", "")]
    [InlineData("redirect-callback", "{}", "")]
    [InlineData("oidc-basic-profile", """{ "prompt": "none" }""", "")]
    [InlineData("oidc-basic-profile", "{}", """ "multifactor": { "provider": "any" }, """)]
    [InlineData("oidc-basic-profile", "{}", """ "redirect": { "url": "https://other.example.com/" }, """)]
    public void CanRedirect_is_false_where_auth0_could_not_redirect_and_doRedirect_then_throws(string protocol, string query, string extra)
    {
        using var pipeline = Pipeline("""
            function (user, context, callback) {
              const { Auth0RedirectRuleUtilities, noRedirectProtocols } = require('@auth0/rule-utilities');
              const ruleUtils = new Auth0RedirectRuleUtilities(user, context, configuration);
              let thrown = null;
              try { ruleUtils.doRedirect('https://verify.example.com/start'); } catch (e) { thrown = e.message; }
              context.idToken['https://example.com/r'] = { can: ruleUtils.canRedirect, thrown: thrown, listed: noRedirectProtocols.length };
              callback(null, user, context);
            }
            """);

        var outcome = pipeline.Execute(Login(protocol, query, extra));

        outcome.Failure.Should().BeNull();
        outcome.IdToken["https://example.com/r"]!.ToJsonString().Should().Be("""{"can":false,"thrown":"Cannot redirect","listed":4}""");
    }

    [Fact]
    public void User_update_utilities_read_and_save_namespaced_metadata_through_the_logins_metadata_updates()
    {
        using var pipeline = Pipeline("""
            async function (user, context, callback) {
              const { Auth0UserUpdateUtilities } = require('@auth0/rule-utilities@0.2.0');
              const userUtils = new Auth0UserUpdateUtilities(user, auth0, 'yoonik');
              const before = userUtils.getAppMeta('status');
              userUtils.setAppMeta('status', 'verified');
              userUtils.setUserMeta('color', 'blue');
              await userUtils.updateAppMeta();
              await userUtils.updateUserMeta();
              let rootUpdate = null;
              userUtils.setUser('nickname', 'al');
              try { await userUtils.updateUser(); } catch (e) { rootUpdate = e.message; }
              context.idToken['https://example.com/r'] = { before: before === undefined, after: userUtils.getAppMeta('status'), refused: rootUpdate.indexOf('not supported') > 0 };
              callback(null, user, context);
            }
            """);

        var outcome = pipeline.Execute(Login());

        outcome.Decision.Should().Be(Decision.Allow, outcome.Failure?.Message);
        outcome.IdToken["https://example.com/r"]!.ToJsonString().Should().Be("""{"before":true,"after":"verified","refused":true}""");
        outcome.MetadataUpdates.Select(u => (u.Kind, u.UserId, u.Metadata.ToJsonString())).Should().Equal(
            (MetadataKind.AppMetadata, "auth0|alice", """{"roles":["user"],"yoonik":{"status":"verified"}}"""),
            (MetadataKind.UserMetadata, "auth0|alice", """{"yoonik":{"color":"blue"}}"""));
    }
}
